package dev.p2pchat.bench;

import java.nio.ByteBuffer;
import java.util.List;

/** Fixed-size datagrams with the transaction id where the tracker protocol has it (offset 4), echoed back. */
final class EchoWorkload implements Workload {
    static final int DATAGRAM_SIZE = 60;
    private static final int TXID_OFFSET = 4;
    private static final byte[] PADDING = new byte[DATAGRAM_SIZE - TXID_OFFSET - Integer.BYTES];

    @Override
    public List<String> kinds() {
        return List.of("echo");
    }

    @Override
    public int request(int client, int txid, ByteBuffer out) {
        out.putInt(0).putInt(txid).put(PADDING);
        return 0;
    }

    @Override
    public int txidOf(int client, ByteBuffer datagram, int[] outstanding) {
        return datagram.limit() == DATAGRAM_SIZE ? datagram.getInt(TXID_OFFSET) : NOT_A_REPLY;
    }

    @Override
    public boolean accept(int client, int txid, int kind, ByteBuffer reply) {
        return true;
    }
}
