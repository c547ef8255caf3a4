package dev.p2pchat.protocol.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.peer.LinkFrame.Ack;
import dev.p2pchat.protocol.peer.LinkFrame.AckBlock;
import dev.p2pchat.protocol.peer.LinkFrame.AckEntry;
import dev.p2pchat.protocol.peer.LinkFrame.Data;
import dev.p2pchat.protocol.peer.LinkFrame.Kind;
import dev.p2pchat.protocol.peer.LinkFrame.Ping;
import dev.p2pchat.protocol.peer.LinkFrame.Pong;
import dev.p2pchat.protocol.peer.LinkFrame.Skip;
import dev.p2pchat.protocol.peer.LinkFrame.Skipped;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Records refuse what the wire cannot carry, so that every link frame that exists can be encoded. */
@Timeout(10)
class LinkFrameRecordsTest {
    private static final long[] IDS_OUT_OF_RANGE = {0, -1, 0x1_0000_0000L, Long.MAX_VALUE, Long.MIN_VALUE};

    private static Data data(int total, int offset, int length) {
        return new Data(AckBlock.NONE, 1, ContentKind.TEXT, total, offset, Octets.zeros(length));
    }

    @Test
    void shouldAcceptMessageIdsFromOneTo2Pow32Less1() {
        for (long id : new long[] {1, 2, 0x8000_0000L, 0xFFFF_FFFFL}) {
            assertThat(new Skip(id).messageId()).isEqualTo(id);
            assertThat(new Skipped(id, true).messageId()).isEqualTo(id);
            assertThat(new AckBlock(id, List.of()).cursor()).isEqualTo(id);
            assertThat(new AckEntry(id, 0, 0).messageId()).isEqualTo(id);
            assertThat(new Data(AckBlock.NONE, id, ContentKind.TEXT, 0, 0, Octets.zeros(0)).messageId()).isEqualTo(id);
        }
    }

    @Test
    void shouldRefuseMessageIdsAndCursorsOutOfRange() {
        for (long id : IDS_OUT_OF_RANGE) {
            assertThatThrownBy(() -> new Skip(id)).as("SKIP %d", id).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new Skipped(id, false)).as("SKIPPED %d", id)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new AckBlock(id, List.of())).as("cursor %d", id)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new AckEntry(id, 0, 1)).as("entry %d", id)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new Data(AckBlock.NONE, id, ContentKind.TEXT, 0, 0, Octets.zeros(0)))
                    .as("DATA %d", id).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void shouldRefuseAnAckEntryOutsideTheLargestMessageOrLongerThanAPiece() {
        assertThat(new AckEntry(1, 65_535, 1).offset()).isEqualTo(65_535);
        assertThat(new AckEntry(1, 64_465, 1071).offset()).isEqualTo(64_465);
        assertThat(new AckEntry(1, 0, 0).length()).isZero();
        for (int[] entry : new int[][] {{-1, 1}, {65_536, 1}, {65_535, 2}, {64_466, 1071}, {0, -1}, {0, 1072},
                {0, 65_535}}) {
            assertThatThrownBy(() -> new AckEntry(1, entry[0], entry[1])).as("%d bytes at %d", entry[1], entry[0])
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void shouldHoldAtMost64EntriesAndCopyThem() {
        List<AckEntry> entries = new ArrayList<>(Collections.nCopies(64, new AckEntry(2, 0, 1)));
        AckBlock block = new AckBlock(1, entries);
        assertThat(block.size()).isEqualTo(5 + 64 * 8);
        entries.add(new AckEntry(3, 0, 1));
        assertThat(block.entries()).as("a copy, not a view").hasSize(64);
        assertThatThrownBy(() -> block.entries().add(new AckEntry(3, 0, 1)))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> new AckBlock(1, entries)).as("65 entries")
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AckBlock(1, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void shouldAcceptFlagsOnlyOfNoneOrProbe() {
        assertThat(new Ping(1, 0, 0).flags()).isZero();
        assertThat(new Ping(1, LinkFrame.PROBE, 0).flags()).isEqualTo(1);
        assertThat(new Pong(1, LinkFrame.PROBE).flags()).isEqualTo(1);
        for (int flags : new int[] {2, 3, 0x80, 0xFF, 0x100, -1}) {
            assertThatThrownBy(() -> new Ping(1, flags, 0)).as("PING flags %d", flags)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new Pong(1, flags)).as("PONG flags %d", flags)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    /** A PING is at most the largest link frame: 6 bytes and up to 1082 of padding. */
    @Test
    void shouldPadAPingAtMostToTheLargestLinkFrame() {
        assertThat(new Ping(1, 0, 1082).padding()).isEqualTo(PeerWire.MAX_LINK_FRAME_SIZE - 6);
        assertThatThrownBy(() -> new Ping(1, 0, 1083)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Ping(1, 0, 1118)).as("the padding of an earlier draft's largest PING")
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Ping(1, 0, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldAcceptDataAtTheLimitsOfPiecesAndMessages() {
        assertThat(data(0, 0, 0).payload().length()).isZero();
        assertThat(data(1, 0, 1).total()).isEqualTo(1);
        assertThat(data(65_536, 0, 1071).payload().length()).isEqualTo(PeerWire.MAX_PIECE);
        assertThat(data(65_536, 65_535, 1).offset()).isEqualTo(65_535);
        assertThat(data(65_536, 64_465, 1071).offset()).isEqualTo(65_536 - 1071);
    }

    /** The acknowledgements beside a piece leave it less room: the whole DATA must fit one TRANSPORT. */
    @Test
    void shouldRefuseDataLargerThanOneTransportSeals() {
        AckBlock full = new AckBlock(1, Collections.nCopies(64, new AckEntry(2, 0, 1)));
        int room = PeerWire.MAX_LINK_FRAME_SIZE - PeerWire.DATA_FIXED_SIZE - full.size();
        Data fits = new Data(full, 1, ContentKind.TEXT, 65_536, 0, Octets.zeros(room));
        assertThat(LinkFrameCodec.size(fits)).isEqualTo(PeerWire.MAX_LINK_FRAME_SIZE);
        assertThatThrownBy(() -> new Data(full, 1, ContentKind.TEXT, 65_536, 0, Octets.zeros(room + 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not fit one TRANSPORT");
    }

    @Test
    void shouldRefuseDataThatIsNoPieceOfItsMessage() {
        int[][] refused = {
            {65_537, 0, 1}, // a message larger than 64 KiB
            {-1, 0, 0}, // a negative total
            {10, 0, 11}, // more bytes than the message has
            {10, 5, 6}, // past the end of the message
            {65_536, 65_000, 1071}, // past the end of the largest message
            {5000, 0, 1072}, // a piece larger than MAX_PIECE
            {5000, 0, 1107}, // a piece of an earlier draft's MAX_PIECE
            {10, 0, 0}, // an empty piece of a message that is not empty
            {0, 1, 0}, // an empty message at another offset than 0
            {10, -1, 1}, // a negative offset
            {10, 10, 0}, // at the end of the message
        };
        for (int[] piece : refused) {
            assertThatThrownBy(() -> data(piece[0], piece[1], piece[2]))
                    .as("%d bytes at %d of %d", piece[2], piece[1], piece[0])
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> new Data(null, 1, ContentKind.TEXT, 0, 0, Octets.zeros(0)))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Data(AckBlock.NONE, 1, null, 0, 0, Octets.zeros(0)))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Data(AckBlock.NONE, 1, ContentKind.TEXT, 0, 0, null))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Ack(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void shouldNameTheKindOfEveryRecord() {
        assertThat(new Ping(1, 0, 0).kind()).isEqualTo(Kind.PING);
        assertThat(new Pong(1, 0).kind()).isEqualTo(Kind.PONG);
        assertThat(data(0, 0, 0).kind()).isEqualTo(Kind.DATA);
        assertThat(new Ack(AckBlock.NONE).kind()).isEqualTo(Kind.ACK);
        assertThat(new Skip(1).kind()).isEqualTo(Kind.SKIP);
        assertThat(new Skipped(1, false).kind()).isEqualTo(Kind.SKIPPED);
        assertThat(new LinkFrame.Goodbye().kind()).isEqualTo(Kind.GOODBYE);
    }
}
