package io.execbroker.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The broker's servers, one per event loop on one port: connections land on every loop, and a stop frees the port. */
class EventLoopServersTest {
    private final Vertx vertx = Vertx.vertx(Broker.vertxOptions());

    @AfterEach
    void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void connectionsToAFreePortSpreadOverTheEventLoopsAndAStopFreesThePort() throws Exception {
        assertThat(vertx.isNativeTransportEnabled()).as("Netty's native transport (Linux)").isTrue();
        Set<String> loops = ConcurrentHashMap.newKeySet();
        EventLoopServers servers = servers(vertx, 0, loops);
        servers.listen().await(10, TimeUnit.SECONDS);
        int port = servers.port();
        assertThat(port).isPositive();

        assertThat(servedOn(port, loops)).as("event loops that served a connection").hasSize(2);

        servers.close().await(10, TimeUnit.SECONDS);
        try (ServerSocket again = new ServerSocket(port, 50, InetAddress.getByName("127.0.0.1"))) {
            assertThat(again.getLocalPort()).as("the port is free once the servers stopped").isEqualTo(port);
        }
    }

    @Test
    void onAConfiguredPortTheServersShareOneSocketAndASecondBrokerThereFailsAsAddressInUse() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            port = free.getLocalPort();
        }
        Set<String> loops = ConcurrentHashMap.newKeySet();
        EventLoopServers servers = servers(vertx, port, loops);
        servers.listen().await(10, TimeUnit.SECONDS);
        assertThat(servedOn(port, loops)).as("event loops that served a connection").hasSize(2);

        Vertx another = Vertx.vertx(Broker.vertxOptions());
        try {
            assertThatThrownBy(() -> servers(another, port, ConcurrentHashMap.newKeySet()).listen()
                .await(10, TimeUnit.SECONDS)).hasMessageContaining("Address already in use");
        } finally {
            another.close().await(10, TimeUnit.SECONDS);
            servers.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static EventLoopServers servers(Vertx vertx, int port, Set<String> loops) {
        return new EventLoopServers(vertx, new HttpServerOptions().setHost("127.0.0.1").setPort(port), request -> {
            loops.add(Thread.currentThread().getName());
            request.response().end("ok");
        }, 2);
    }

    /** Makes new connections to {@code port} until two event loops served one (at most 40); returns the loops. */
    private Set<String> servedOn(int port, Set<String> loops) throws Exception {
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
        for (int i = 0; i < 40 && loops.size() < 2; i++) {
            String body = client.request(HttpMethod.GET, port, "127.0.0.1", "/")
                .compose(request -> request.send()).compose(response -> response.body())
                .await(10, TimeUnit.SECONDS).toString();
            assertThat(body).isEqualTo("ok");
        }
        client.close().await(10, TimeUnit.SECONDS);
        return loops;
    }
}
