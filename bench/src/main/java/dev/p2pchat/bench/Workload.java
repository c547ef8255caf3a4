package dev.p2pchat.bench;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * What a {@link LoadGenerator} sends and how it judges the replies. The generator owns the sockets, the window of
 * outstanding requests, the clock and the transaction ids; a workload only writes and reads datagrams.
 */
interface Workload {
    /** Returned by {@link #request} when a client has nothing more to send. */
    int NO_MORE = -1;
    /** Returned by {@link #txidOf} for a datagram that answers no request (an introduction, say). */
    int NOT_A_REPLY = -1;

    /** Names of the kinds of request this workload mixes; {@link #request} returns an index into it. */
    List<String> kinds();

    /**
     * Writes the request {@code txid} of client {@code client} into {@code out}. The generator numbers each
     * client's requests 1, 2, 3 ... within a phase, without gaps.
     *
     * @return the kind of the request, or {@link #NO_MORE}
     */
    int request(int client, int txid, ByteBuffer out);

    /**
     * The transaction id {@code datagram}, received on client socket {@code client}, answers (a positive int), or
     * {@link #NOT_A_REPLY}. {@code outstanding} holds the transaction ids of that client's requests in flight, one
     * per slot of its window, 0 for a free slot; read it, do not keep or change it. A workload whose replies are
     * sealed opens the reply here and keeps what it opened for {@link #accept}, which the generator calls next for
     * this datagram if the txid is outstanding.
     */
    int txidOf(int client, ByteBuffer datagram, int[] outstanding);

    /** Whether {@code reply} is the expected answer to request {@code txid} of kind {@code kind}. */
    boolean accept(int client, int txid, int kind, ByteBuffer reply);
}
