package io.execbroker.broker.bench;

import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.LocalDirectorySSLConfig;
import io.execbroker.broker.docker.DockerClients;
import io.execbroker.broker.docker.DockerEndpoint;
import io.execbroker.broker.testing.DockerFixture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.parsetools.RecordParser;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The direct side of the events part: Docker's own {@code GET /events} streams with no broker in between, each
 * with the filter {@code {"container":["servertest"],"type":["container"]}}, so that Docker sends each what a
 * broker watcher of that scope gets. A bare Vert.x HTTP client on a Vertx of its own (threads
 * {@value #THREAD_PREFIX}*), one connection per stream, read line by line as the broker reads its one upstream.
 */
final class DirectEventStreams implements EventReceivers {
    static final String THREAD_PREFIX = "bench-devents-";
    static final String FILTERS = "{\"container\":[\"" + DockerFixture.CONTAINER + "\"],\"type\":[\"container\"]}";
    private static final int MAX_STREAMS = 100_000;
    private static final int MAX_EVENT_BYTES = 1024 * 1024;
    private static final long TIMEOUT_SECONDS = 120;

    private final Vertx vertx;
    private final HttpClient client;
    private final DockerEndpoint endpoint;

    private DirectEventStreams(Vertx vertx, HttpClient client, DockerEndpoint endpoint) {
        this.vertx = vertx;
        this.client = client;
        this.endpoint = endpoint;
    }

    static DirectEventStreams start() {
        DefaultDockerClientConfig config = DockerClients.configFromEnvironment();
        DockerEndpoint endpoint = DockerEndpoint.of(config.getDockerHost(),
            config.getSSLConfig() instanceof LocalDirectorySSLConfig tls ? Path.of(tls.getDockerCertPath()) : null);
        Vertx vertx = NamedVertx.create(THREAD_PREFIX);
        HttpClient client = vertx.createHttpClient(options(endpoint),
            new PoolOptions().setHttp1MaxSize(MAX_STREAMS).setMaxWaitQueueSize(MAX_STREAMS));
        return new DirectEventStreams(vertx, client, endpoint);
    }

    /** No keep-alive, so that closing a stream closes its connection; TLS as the docker CLI's, as the broker's. */
    private static HttpClientOptions options(DockerEndpoint endpoint) {
        HttpClientOptions options = new HttpClientOptions().setKeepAlive(false).setTcpNoDelay(true);
        Path certs = endpoint.tlsCertPath();
        if (certs != null) {
            options.setSsl(true)
                .setTrustOptions(new PemTrustOptions().addCertPath(certs.resolve("ca.pem").toString()))
                .setKeyCertOptions(new PemKeyCertOptions().setCertPath(certs.resolve("cert.pem").toString())
                    .setKeyPath(certs.resolve("key.pem").toString()));
        }
        return options;
    }

    @Override
    public String name() {
        return "direct";
    }

    @Override
    public String threadPrefix() {
        return THREAD_PREFIX;
    }

    @Override
    public Opened open(EventTally tally) throws Exception {
        Streams streams = new Streams();
        String uri = "/events?filters=" + URLEncoder.encode(FILTERS, StandardCharsets.UTF_8);
        List<Future<?>> opening = new ArrayList<>();
        for (int i = 0; i < tally.receivers(); i++) {
            opening.add(openOne(uri, i, tally, streams));
        }
        streams.opening.addAll(opening);
        try {
            Future.join(opening).toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            long failed = opening.stream().filter(Future::failed).count();
            Throwable first = opening.stream().filter(Future::failed).findFirst().map(Future::cause).orElse(e);
            streams.close();
            throw new BenchException(failed + " of " + tally.receivers()
                + " direct event streams failed to open, first: " + first, first);
        }
        return streams;
    }

    private Future<HttpClientRequest> openOne(String uri, int who, EventTally tally, Streams streams) {
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET).setServer(endpoint.address())
            .setHost(endpoint.hostHeader()).setPort(80).setURI(uri).putHeader("Accept", "application/json");
        return client.request(request).compose(req -> req.send().compose(response -> {
            if (response.statusCode() != 200) {
                req.connection().close();
                return Future.failedFuture("Docker answered GET /events with " + response.statusCode());
            }
            RecordParser lines = RecordParser.newDelimited("\n", line -> {
                if (line.length() > 0) {
                    tally.received(who, line.toString(StandardCharsets.UTF_8));
                }
            }).maxRecordSize(MAX_EVENT_BYTES);
            response.handler(lines);
            response.exceptionHandler(e -> streams.lost(who, tally));
            response.endHandler(v -> streams.lost(who, tally));
            req.connection().closeHandler(v -> streams.lost(who, tally));
            return Future.succeededFuture(req);
        }));
    }

    /** Open streams. */
    private static final class Streams implements Opened {
        final List<Future<?>> opening = new ArrayList<>();
        volatile boolean closing;

        void lost(int who, EventTally tally) {
            if (!closing) {
                tally.lost(who);
            }
        }

        @Override
        public void close() throws Exception {
            closing = true;
            List<Future<?>> closed = new ArrayList<>();
            for (Future<?> opened : opening) {
                if (opened.succeeded() && opened.result() instanceof HttpClientRequest request) {
                    closed.add(request.connection().close());
                }
            }
            Future.join(closed).toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            client.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }
}
