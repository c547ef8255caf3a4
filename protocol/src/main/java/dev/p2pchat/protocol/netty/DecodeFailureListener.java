package dev.p2pchat.protocol.netty;

import dev.p2pchat.protocol.ProtocolException;
import java.net.InetSocketAddress;

/** Told about every datagram the decoder dropped, so that the owner can count drops per reason. */
@FunctionalInterface
public interface DecodeFailureListener {
    void dropped(InetSocketAddress sender, int bytes, ProtocolException failure);
}
