package dev.p2pchat.protocol.tracker;

import dev.p2pchat.protocol.Addresses;
import dev.p2pchat.protocol.Names;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.Wire;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * What the tracker knows about one registered peer: the answer to a lookup and the body of an introduction.
 *
 * @param name the registered name
 * @param identityKey the peer's Ed25519 public key, 32 bytes
 * @param agreementKey the peer's X25519 key-agreement public key, 32 bytes; all zeros when it announced none
 * @param capabilities feature bits the peer announced; the tracker does not interpret them
 * @param observed the source address the tracker saw the peer's datagrams come from (its NAT mapping)
 * @param privateAddresses the addresses the peer announced for itself (for example on its LAN), at most 4
 */
public record PeerInfo(
        String name,
        Octets identityKey,
        Octets agreementKey,
        int capabilities,
        InetSocketAddress observed,
        List<InetSocketAddress> privateAddresses) {
    public PeerInfo {
        Names.requireWireName(name, false, "name");
        Octets.requireLength(identityKey, Wire.KEY_SIZE, "identityKey");
        Octets.requireLength(agreementKey, Wire.KEY_SIZE, "agreementKey");
        Addresses.requireEncodable(observed, "observed");
        privateAddresses = Addresses.requireEncodableList(privateAddresses);
    }
}
