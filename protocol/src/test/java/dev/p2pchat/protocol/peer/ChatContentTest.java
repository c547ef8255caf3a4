package dev.p2pchat.protocol.peer;

import static dev.p2pchat.protocol.GoldenVectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ChatContentTest {
    private static final Octets ID = Octets.fromHex("00112233445566778899aabbccddeeff");

    @Test
    void shouldLayOutATextAsPROTOCOLmdDrawsIt() throws ProtocolException {
        byte[] golden = hex("00112233445566778899aabbccddeeff", "0000019a5b3c7d00", "6869");
        byte[] encoded = ChatContent.encodeText(ID, 0x19a5b3c7d00L, "hi".getBytes(StandardCharsets.UTF_8));

        assertThat(encoded).isEqualTo(golden);
        ChatContent.Text text = ChatContent.decodeText(golden);
        assertThat(text.id()).isEqualTo(ID);
        assertThat(text.sentAt()).isEqualTo(0x19a5b3c7d00L);
        assertThat(new String(text.utf8(), StandardCharsets.UTF_8)).isEqualTo("hi");
    }

    @Test
    void shouldRefuseATextShorterThanItsHeaderOrWithIdZero() {
        assertThatThrownBy(() -> ChatContent.decodeText(new byte[23]))
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.reason()).isEqualTo(ProtocolException.Reason.TRUNCATED));
        assertThatThrownBy(() -> ChatContent.decodeText(new byte[30]))
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.reason()).isEqualTo(ProtocolException.Reason.BAD_FIELD));
    }

    @Test
    void shouldKeepTheWholeMessageWithinTheLinkLimit() {
        byte[] longest = ChatContent.encodeText(ID, 1, new byte[ChatContent.MAX_TEXT_SIZE]);

        assertThat(longest).hasSize(PeerWire.MAX_MESSAGE_SIZE);
        assertThatThrownBy(() -> ChatContent.encodeText(ID, 1, new byte[ChatContent.MAX_TEXT_SIZE + 1]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRoundTripReceiptsOfOneToSixtyFourIds() throws ProtocolException {
        Octets other = Octets.fromHex("ffeeddccbbaa99887766554433221100");
        byte[] golden = hex("00112233445566778899aabbccddeeff", "ffeeddccbbaa99887766554433221100");

        assertThat(ChatContent.encodeReceipt(List.of(ID, other))).isEqualTo(golden);
        assertThat(ChatContent.decodeReceipt(golden)).containsExactly(ID, other);
        assertThat(ChatContent.decodeReceipt(ChatContent.encodeReceipt(Collections.nCopies(64, ID)))).hasSize(64);
    }

    @Test
    void shouldRefuseReceiptsThatAreEmptyRaggedOrTooLong() {
        for (int length : new int[] {0, 15, 17, 65 * 16}) {
            assertThatThrownBy(() -> ChatContent.decodeReceipt(new byte[length]))
                    .as("%d bytes", length)
                    .isInstanceOfSatisfying(ProtocolException.class,
                            e -> assertThat(e.reason()).isEqualTo(ProtocolException.Reason.BAD_FIELD));
        }
        assertThatThrownBy(() -> ChatContent.encodeReceipt(Collections.nCopies(65, ID)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
