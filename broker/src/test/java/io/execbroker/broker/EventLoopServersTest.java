package io.execbroker.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;

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
        EventLoopServers servers = new EventLoopServers(vertx, new HttpServerOptions().setHost("127.0.0.1").setPort(0),
            request -> {
                loops.add(Thread.currentThread().getName());
                request.response().end("ok");
            }, 2);
        servers.listen().await(10, TimeUnit.SECONDS);
        int port = servers.port();
        assertThat(port).isPositive();

        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
        for (int i = 0; i < 40 && loops.size() < 2; i++) {
            String body = client.request(HttpMethod.GET, port, "127.0.0.1", "/")
                .compose(request -> request.send()).compose(response -> response.body())
                .await(10, TimeUnit.SECONDS).toString();
            assertThat(body).isEqualTo("ok");
        }
        assertThat(loops).as("event loops that served a connection").hasSize(2);

        servers.close().await(10, TimeUnit.SECONDS);
        try (ServerSocket again = new ServerSocket(port, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            assertThat(again.getLocalPort()).as("the port is free once the servers stopped").isEqualTo(port);
        }
    }
}
