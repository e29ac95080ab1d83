package io.execbroker.broker.cli;

import io.execbroker.protocol.client.PemTrust;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** The JDK client of the {@code exec} and {@code events} commands: the JDK's CAs, or those of {@code --ca-file}. */
final class ClientTls {
    private ClientTls() {
    }

    /**
     * Returns a client trusting {@code caFile}'s CAs, or the JDK's when empty.
     *
     * @throws IllegalArgumentException naming the file when it holds no usable certificate
     */
    static HttpClient httpClient(Optional<Path> caFile, Duration connectTimeout) {
        return caFile.map(file -> PemTrust.httpClient(file, connectTimeout))
            .orElseGet(() -> HttpClient.newBuilder().connectTimeout(connectTimeout).build());
    }

    /** Adds what to do to a failure that says the broker's certificate is not trusted. */
    static String withHint(String message, boolean caFileGiven) {
        if (message != null && message.contains("the broker's certificate is not trusted")) {
            return message + (caFileGiven ? "; is --ca-file the CA that signed it?"
                : "; pass the CA that signed it with --ca-file FILE");
        }
        return message;
    }
}
