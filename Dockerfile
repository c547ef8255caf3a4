# p2pchat's container images, built from source: `docker build --target tracker .` and `--target peer`
# (docker-compose.yml builds both). A plain Dockerfile, no BuildKit-only syntax, so that Testcontainers
# can build it too.

# Maven on a JDK 17 compiles the two executable jars; the same Maven version as ./mvnw.
FROM maven:3.9.11-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q package -DskipTests -pl tracker,peer -am

# What both programs run on: a JRE, an unprivileged user, the jars and the demo's peer scripts.
FROM eclipse-temurin:17-jre AS runtime
RUN groupadd --system --gid 10001 p2pchat \
    && useradd --system --uid 10001 --gid p2pchat --create-home --home-dir /home/p2pchat p2pchat
COPY --from=build /src/tracker/target/p2pchat-tracker.jar /src/peer/target/p2pchat-peer.jar /opt/p2pchat/
COPY demo/scripts/ /opt/p2pchat/demo/
# Readable by the unprivileged user whatever the checkout's umask made of the files.
RUN chmod -R a+rX /opt/p2pchat
USER p2pchat
WORKDIR /home/p2pchat

# Configured through P2PCHAT_TRACKER_* variables (README: Running a tracker).
FROM runtime AS tracker
EXPOSE 7070/udp
ENTRYPOINT ["java", "-jar", "/opt/p2pchat/p2pchat-tracker.jar"]

# Configured through P2PCHAT_* variables (README: Running a peer); a shell when run with a terminal.
FROM runtime AS peer
ENTRYPOINT ["java", "-jar", "/opt/p2pchat/p2pchat-peer.jar"]
