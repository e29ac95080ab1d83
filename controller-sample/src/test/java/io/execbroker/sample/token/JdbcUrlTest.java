package io.execbroker.sample.token;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JdbcUrlTest {
    @Test
    void showsAPostgresqlUrlWithoutItsQueryString() {
        JdbcUrl url = JdbcUrl.of("jdbc:postgresql://127.0.0.1:5432/db?user=u&password=s3cret&ssl=true");

        assertThat(url).hasToString("jdbc:postgresql://127.0.0.1:5432/db");
    }

    @Test
    void showsAnH2UrlWithoutItsSettings() {
        assertThat(JdbcUrl.of("jdbc:h2:file:/var/lib/sample/tokens;USER=sa;PASSWORD=s3cret"))
            .hasToString("jdbc:h2:file:/var/lib/sample/tokens");
    }

    @Test
    void showsAUrlWithoutUserInfo() {
        assertThat(JdbcUrl.of("jdbc:mysql://u:s3cret@db:3306/app")).hasToString("jdbc:mysql://db:3306/app");
    }

    @Test
    void scrubsTheUrlAndEveryPasswordFromAMessage() {
        String full = "jdbc:postgresql://db/app?user=u&password=s3cret&sslpassword=k3y";
        JdbcUrl url = JdbcUrl.of(full);

        String scrubbed = url.scrub("No suitable driver found for " + full + "; password s3cret, key k3y");

        assertThat(scrubbed).isEqualTo("No suitable driver found for jdbc:postgresql://db/app; password ***, key ***");
    }

    @Test
    void scrubsAMissingMessage() {
        assertThat(JdbcUrl.of("jdbc:h2:mem:x").scrub(null)).isEqualTo("no message");
    }
}
