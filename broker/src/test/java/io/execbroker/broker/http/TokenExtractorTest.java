package io.execbroker.broker.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.execbroker.broker.auth.AuthorizationException;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

class TokenExtractorTest {
    private final TokenExtractor extractor = new TokenExtractor(true);

    private static String subprotocol(String token) {
        return TokenExtractor.TOKEN_SUBPROTOCOL_PREFIX
            + Base64.getUrlEncoder().withoutPadding().encodeToString(token.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void bearerHeaderWinsOverSubprotocolAndQuery() {
        assertThat(extractor.extract("Bearer h", List.of(subprotocol("s"), "exec-broker.v1"), "q")).contains("h");
    }

    @Test
    void subprotocolWinsOverQuery() {
        assertThat(extractor.extract(null, List.of(subprotocol("s/+?=ü"), "exec-broker.v1"), "q")).contains("s/+?=ü");
    }

    @Test
    void queryTokenIsTheLastResort() {
        assertThat(extractor.extract(null, List.of(), "q")).contains("q");
    }

    @Test
    void queryTokenCanBeTurnedOff() {
        assertThat(new TokenExtractor(false).extract(null, List.of(), "q")).isEmpty();
    }

    @Test
    void noTokenAnywhereIsEmpty() {
        assertThat(extractor.extract("Basic abc", List.of("exec-broker.v1"), null)).isEmpty();
        assertThat(extractor.extract("Bearer ", List.of(), "")).isEmpty();
    }

    @Test
    void twoTokenSubprotocolsAreA400() {
        assertThatThrownBy(() -> extractor.extract(null, List.of(subprotocol("a"), subprotocol("b"), "exec-broker.v1"), null))
            .isInstanceOfSatisfying(AuthorizationException.class, e -> assertThat(e.status()).isEqualTo(400))
            .hasMessage("more than one token subprotocol offered");
    }

    @Test
    void tokenSubprotocolAloneIsA400BecauseItCannotBeAnswered() {
        assertThatThrownBy(() -> extractor.extract(null, List.of(subprotocol("a")), null))
            .isInstanceOfSatisfying(AuthorizationException.class, e -> assertThat(e.status()).isEqualTo(400))
            .hasMessage("a token subprotocol must be offered together with exec-broker.v1");
    }

    @Test
    void malformedTokenSubprotocolIsA400() {
        assertThatThrownBy(() -> extractor.extract(null, List.of(TokenExtractor.TOKEN_SUBPROTOCOL_PREFIX + "%%", "exec-broker.v1"), null))
            .hasMessage("the token subprotocol is not base64url");
    }

    @Test
    void splitsTheSubprotocolHeader() {
        assertThat(TokenExtractor.splitSubprotocols(" a, b ,,c")).containsExactly("a", "b", "c");
        assertThat(TokenExtractor.splitSubprotocols(null)).isEmpty();
    }
}
