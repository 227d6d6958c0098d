# One image for every service: `docker build -t pagewire .` after `mvn -DskipTests package`.
FROM eclipse-temurin:17-jre
COPY launcher/target/pagewire.jar /opt/pagewire/pagewire.jar
ENTRYPOINT ["java", "-jar", "/opt/pagewire/pagewire.jar"]
