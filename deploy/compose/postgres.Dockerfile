# exec-broker-deploy-postgres:local - PostgreSQL 15 FROM scratch, from the host's Debian postgresql-15 binaries, for
# deploy/compose (no registry can be reached here). Built ONLY by deploy/compose/build-postgres-image.sh:
#   rootfs/usr/lib/postgresql/15/{bin,lib}   postgres, initdb, pg_isready; the server's modules (no LLVM JIT)
#   rootfs/usr/share/postgresql/15, rootfs/usr/share/zoneinfo   what initdb and the server read
#   rootfs/lib..., rootfs/usr/lib...         the libraries and loader ldd lists, at the same paths
#   rootfs/bin/sh                            static busybox: initdb runs the server through /bin/sh; the entrypoint
#   rootfs/etc/{passwd,group}                postgres (999)
# The first start initializes the data folder (the volume), with the superuser $POSTGRES_USER, the password in
# $POSTGRES_PASSWORD_FILE and the database $POSTGRES_DB.
FROM scratch
COPY rootfs/ /
COPY --chown=999:999 data/ /var/lib/postgresql/data/
COPY --chown=999:999 run/ /run/postgresql/
ENV PATH=/usr/lib/postgresql/15/bin:/bin PGDATA=/var/lib/postgresql/data LANG=C
USER 999:999
EXPOSE 5432
ENTRYPOINT ["/bin/sh", "/usr/local/bin/postgres-entrypoint.sh"]
