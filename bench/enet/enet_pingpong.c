/*
 * The outside anchor for the peers' message round trip: ENet (Debian's libenet-dev), the reliable-UDP library a C
 * programmer would pick, doing what the p2pchat benchmark does: one 64-byte reliable message outstanding, the
 * receiver answers each one, over 127.0.0.1, each side its own thread. Prints "count= p50_us= p99_us=".
 * Our own code, built by bench/run.sh: gcc -O2 enet_pingpong.c -lenet -lpthread.
 *   enet_pingpong WARMUP SAMPLES SIZE
 */
#include <enet/enet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static ENetHost *server;
static volatile int done;

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void *answer(void *unused) {
    (void) unused;
    ENetEvent event;
    while (!done) {
        if (enet_host_service(server, &event, 100) > 0 && event.type == ENET_EVENT_TYPE_RECEIVE) {
            ENetPacket *reply = enet_packet_create(event.packet->data, event.packet->dataLength,
                    ENET_PACKET_FLAG_RELIABLE);
            enet_peer_send(event.peer, 0, reply);
            enet_packet_destroy(event.packet);
            enet_host_flush(server);
        }
    }
    return NULL;
}

static int compare(const void *a, const void *b) {
    long long x = *(const long long *) a, y = *(const long long *) b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: enet_pingpong WARMUP SAMPLES SIZE\n");
        return 2;
    }
    int warmup = atoi(argv[1]), samples = atoi(argv[2]), size = atoi(argv[3]);
    if (enet_initialize() != 0) {
        fprintf(stderr, "enet_initialize failed\n");
        return 1;
    }
    ENetAddress address;
    enet_address_set_host(&address, "127.0.0.1");
    address.port = 0;
    server = enet_host_create(&address, 1, 1, 0, 0);
    ENetHost *client = enet_host_create(NULL, 1, 1, 0, 0);
    if (server == NULL || client == NULL || enet_socket_get_address(server->socket, &address) != 0) {
        fprintf(stderr, "could not create the ENet hosts\n");
        return 1;
    }
    enet_address_set_host(&address, "127.0.0.1");
    pthread_t answerer;
    pthread_create(&answerer, NULL, answer, NULL);
    ENetPeer *peer = enet_host_connect(client, &address, 1, 0);
    ENetEvent event;
    if (peer == NULL || enet_host_service(client, &event, 5000) <= 0 || event.type != ENET_EVENT_TYPE_CONNECT) {
        fprintf(stderr, "could not connect\n");
        return 1;
    }
    unsigned char *message = calloc(1, size);
    long long *rtt = malloc(sizeof(long long) * samples);
    int total = warmup + samples;
    for (int i = 0; i < total; i++) {
        long long start = now_ns();
        enet_peer_send(peer, 0, enet_packet_create(message, size, ENET_PACKET_FLAG_RELIABLE));
        enet_host_flush(client);
        for (;;) {
            int got = enet_host_service(client, &event, 2000);
            if (got < 0 || got == 0) {
                fprintf(stderr, "round trip %d: no answer within 2 s\n", i);
                return 1;
            }
            if (event.type == ENET_EVENT_TYPE_RECEIVE) {
                enet_packet_destroy(event.packet);
                break;
            }
        }
        if (i >= warmup) {
            rtt[i - warmup] = now_ns() - start;
        }
    }
    done = 1;
    pthread_join(answerer, NULL);
    qsort(rtt, samples, sizeof(long long), compare);
    printf("count=%d p50_us=%.1f p99_us=%.1f\n", samples, rtt[samples / 2] / 1000.0,
            rtt[(int) (samples * 0.99)] / 1000.0);
    enet_host_destroy(client);
    enet_host_destroy(server);
    enet_deinitialize();
    return 0;
}
