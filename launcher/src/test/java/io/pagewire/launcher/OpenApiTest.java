package io.pagewire.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.http.Json;
import io.pagewire.platform.http.RouteInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /api/v1/openapi.json} describes exactly the routes the server has, with their credentials. */
class OpenApiTest {

  @TempDir
  Path stateDir;

  private List<RouteInfo> routes() {
    PagewireConfig config = PagewireConfig.defaults().withKafka("127.0.0.1:1", stateDir);
    return Pipeline.apiRouteTable(config, ServiceCatalog.names());
  }

  @Test
  void shouldDescribeEveryRouteOfTheServerAndNoOther() throws Exception {
    JsonNode doc = Json.MAPPER.readTree(Pipeline.openApi());
    TreeSet<String> described = new TreeSet<>();
    Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields();
    while (paths.hasNext()) {
      Map.Entry<String, JsonNode> path = paths.next();
      path.getValue().fieldNames().forEachRemaining(method -> {
        if (List.of("get", "post", "put", "delete", "patch").contains(method)) {
          described.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
        }
      });
    }
    TreeSet<String> served = new TreeSet<>();
    routes().forEach(r -> served.add(r.method() + " " + r.pattern()));

    assertThat(described).as("described vs served").isEqualTo(served);
  }

  @Test
  void shouldSayWhichRoutesNeedCredentialsAndWhichScope() throws Exception {
    JsonNode doc = Json.MAPPER.readTree(Pipeline.openApi());
    assertThat(doc.path("openapi").asText()).startsWith("3.");
    assertThat(doc.path("components").path("securitySchemes").has("bearer")).isTrue();
    List<String> wrong = new ArrayList<>();
    for (RouteInfo route : routes()) {
      JsonNode operation = doc.path("paths").path(route.pattern()).path(route.method().toLowerCase(Locale.ROOT));
      JsonNode security = operation.path("security");
      boolean isPublic = security.isArray() && security.isEmpty();
      String scope = operation.path("x-pagewire-scope").asText(null);
      // Credentials are checked on /api/ paths only (HttpApi); /healthz, /metrics and /v2/enqueue need none.
      boolean needsCredentials = route.scope() != null && route.pattern().startsWith("/api/");
      String expectedScope = needsCredentials ? route.scope().name().toLowerCase(Locale.ROOT) : null;
      if (isPublic == needsCredentials || !java.util.Objects.equals(scope, expectedScope)
          || !operation.hasNonNull("summary") || !operation.path("responses").isObject()) {
        wrong.add(route + " is described as public=" + isPublic + " scope=" + scope);
      }
      for (String segment : route.pattern().split("/")) {
        if (segment.startsWith("{")) {
          String name = segment.substring(1, segment.length() - 1);
          boolean declared = false;
          for (JsonNode p : operation.path("parameters")) {
            declared |= p.path("name").asText().equals(name) && p.path("in").asText().equals("path");
          }
          if (!declared) {
            wrong.add(route + " does not declare path parameter " + name);
          }
        }
      }
    }
    assertThat(wrong).isEmpty();
  }
}
