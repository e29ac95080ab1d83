# exec-broker-deploy-controller:local - controller-sample FROM scratch, for deploy/compose. Built ONLY by
# deploy/docker/build-image.sh controller-sample, with the same layout as the broker's (deploy/docker/Dockerfile.scratch):
# a jlink'ed runtime in /opt/exec-broker/runtime, the jar, the ldd libraries, /etc/passwd, /tmp. It runs as the
# non-root user 10001; the users file and the broker secret are mounted in /etc/controller-sample.
FROM scratch
COPY rootfs/ /
ENV JAVA_HOME=/opt/exec-broker/runtime LANG=C.UTF-8
USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["/opt/exec-broker/runtime/bin/java", "-XX:+ExitOnOutOfMemoryError", "-XX:MaxRAMPercentage=75", "-jar", "/opt/exec-broker/controller-sample.jar"]
CMD ["--listen", "0.0.0.0:8080", "--users", "/etc/controller-sample/users.json", "--broker-secret-file", "/etc/controller-sample/broker-secret"]
