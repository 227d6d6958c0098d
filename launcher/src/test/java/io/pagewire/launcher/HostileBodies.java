package io.pagewire.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pagewire.platform.http.Json;
import io.pagewire.platform.http.RouteInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Mutated and hostile requests for one route, from a valid body: every field replaced by values
 * of the wrong type or absurd size, truncations, flipped bytes, deep nesting, bodies over the
 * limit, invalid UTF-8, wrong content types and hostile query parameters. Seeded, so a failure
 * is reproducible.
 */
final class HostileBodies {

  /** One request to try: {@code query} is appended to the path; {@code body} null for none. */
  record Attempt(String what, String query, String contentType, byte[] body) {}

  private static final String JSON = "application/json";

  /** JSON values of the wrong type, size or meaning. */
  private static final List<String> VALUES = List.of(
      "null", "true", "false", "0", "-1", "1e400", "-1e400", "123456789012345678901234567890", "0.5", "NaN",
      "\"\"", "\" \"", "\"" + "x".repeat(300_000) + "\"", "\"\\u0000\"", "\"\\ud800\"", "\"\uD83D\uDCA5\"",
      "[]", "{}", "[\"a\", 1, null, {}]", "{\"$ne\": 1}", deepArray(5_000), deepObject(3_000),
      "\"P1X\"", "\"-5m\"", "\"9999-99-99\"", "\"-999999999-01-01T00:00:00Z\"", "\"+1000000000-01-01T00:00:00Z\"",
      "\"1970-01-01T00:00:00Z\"", "\"../../etc/passwd\"", "\"<script>alert(1)</script>\"", "\"${jndi:ldap://x/a}\"",
      "\"%n%s%s%s\"", "\"' OR 1=1 --\"", "\"(.*.*.*.*.*.*.*.*.*.*)X\"", "\"a=~\\\"(a+)+$\\\"\"", "\"=~\"",
      "\"\\n\\r\\t\"", "\"" + "\u00e9".repeat(70_000) + "\"");

  private static final List<String> QUERY_VALUES = List.of(
      "", " ", "-1", "0", "99999999999999999999", "1e9", "P1X", "abc", "\u0000", "%", "%zz", "\uD83D\uDCA5",
      "x".repeat(4_000), "../..", "<script>", "1970-01-01T00:00:00Z", "-999999999-01-01T00:00:00Z", "24h", "-24h",
      "null", "[]", "{}", "triggered,acknowledged", "P9", "SEV-9", "AAAA", "!!!!", "=", "&", "#", "9999999999w");

  private static final List<String> QUERY_KEYS = List.of(
      "status", "priority", "team", "since", "limit", "pageToken", "schedule", "at", "for", "x");

  private static final List<String> CONTENT_TYPES = List.of(
      "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=utf-16",
      "application/json;charset=ISO-8859-1", "application/json, text/html", "application/jsonp", "APPLICATION/JSON",
      "application/json-seq", "*/*", "");

  private HostileBodies() {}

  static List<Attempt> forRoute(RouteInfo route, String valid, Random random) {
    List<Attempt> attempts = new ArrayList<>();
    queries(attempts, random, route.method().equals("GET") ? 150 : 15);
    if (!route.method().equals("GET")) {
      fields(attempts, valid, random, 120);
      truncations(attempts, valid, random, 30);
      flips(attempts, valid, random, 30);
      wholeBodies(attempts);
      for (String type : CONTENT_TYPES) {
        attempts.add(new Attempt("content type '" + type + "'", "", type.isEmpty() ? null : type, utf8(valid)));
      }
    } else {
      wholeBodies(attempts); // a GET with a body is answered as a GET
    }
    return attempts;
  }

  private static void queries(List<Attempt> attempts, Random random, int count) {
    for (int i = 0; i < count; i++) {
      StringBuilder query = new StringBuilder("?");
      int parts = 1 + random.nextInt(3);
      for (int p = 0; p < parts; p++) {
        String key = QUERY_KEYS.get(random.nextInt(QUERY_KEYS.size()));
        String value = QUERY_VALUES.get(random.nextInt(QUERY_VALUES.size()));
        query.append(p > 0 ? "&" : "").append(key).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
      }
      attempts.add(new Attempt("query " + abbreviate(query.toString()), query.toString(), null, null));
    }
  }

  /** Each field (and the whole body) replaced by a hostile value, and hostile fields added. */
  private static void fields(List<Attempt> attempts, String valid, Random random, int count) {
    JsonNode root = read(valid);
    List<String> paths = new ArrayList<>();
    collect(root, "", paths);
    List<String[]> all = new ArrayList<>();
    for (String path : paths) {
      for (String value : VALUES) {
        all.add(new String[] {path, value});
      }
    }
    Collections.shuffle(all, random);
    for (String[] pair : all.subList(0, Math.min(count, all.size()))) {
      attempts.add(new Attempt("field " + pair[0] + " = " + abbreviate(pair[1]), "", JSON, utf8(replace(root, pair[0], pair[1]))));
    }
    for (int i = 0; i < 10 && root.isObject(); i++) {
      String value = VALUES.get(random.nextInt(VALUES.size()));
      String extra = valid.strip();
      extra = extra.substring(0, extra.length() - 1) + ", \"unexpected" + i + "\": " + value + "}";
      attempts.add(new Attempt("extra field = " + abbreviate(value), "", JSON, utf8(extra)));
    }
  }

  private static void truncations(List<Attempt> attempts, String valid, Random random, int count) {
    for (int i = 0; i < count; i++) {
      int at = random.nextInt(valid.length());
      attempts.add(new Attempt("truncated at " + at, "", JSON, utf8(valid.substring(0, at))));
    }
  }

  private static void flips(List<Attempt> attempts, String valid, Random random, int count) {
    byte[] original = utf8(valid);
    for (int i = 0; i < count; i++) {
      byte[] mutated = original.clone();
      int changes = 1 + random.nextInt(4);
      for (int c = 0; c < changes; c++) {
        String specials = "\"{}[]:,\\x9";
        mutated[random.nextInt(mutated.length)] = random.nextInt(specials.length() + 1) == specials.length()
            ? (byte) random.nextInt(256) : (byte) specials.charAt(random.nextInt(specials.length()));
      }
      attempts.add(new Attempt("bytes flipped (" + changes + ")", "", JSON, mutated));
    }
  }

  private static void wholeBodies(List<Attempt> attempts) {
    Map<String, byte[]> bodies = new java.util.LinkedHashMap<>();
    bodies.put("empty", new byte[0]);
    bodies.put("null", utf8("null"));
    bodies.put("array", utf8("[]"));
    bodies.put("number", utf8("123"));
    bodies.put("string", utf8("\"s\""));
    bodies.put("100,000 open brackets", utf8("[".repeat(100_000)));
    bodies.put("100,000 open braces", utf8("{\"a\":".repeat(100_000)));
    bodies.put("deep valid nesting", utf8(deepArray(20_000)));
    bodies.put("2 MiB of spaces", utf8(" ".repeat(2 * 1024 * 1024)));
    bodies.put("2 MiB string", utf8("\"" + "y".repeat(2 * 1024 * 1024) + "\""));
    bodies.put("invalid UTF-8", new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xff, (byte) 0xfe, (byte) 0xc0, '"', '}'});
    bodies.put("BOM", concat(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, utf8("{}")));
    bodies.put("two objects", utf8("{}{}"));
    bodies.put("trailing garbage", utf8("{} garbage"));
    bodies.put("duplicate keys", utf8("{\"a\": 1, \"a\": 2}"));
    bodies.put("comments", utf8("{/* c */}"));
    bodies.put("single quotes", utf8("{'a': 'b'}"));
    bodies.put("NUL bytes", new byte[] {0, 0, 0, 0});
    bodies.put("UTF-16", "{\"a\": \"b\"}".getBytes(StandardCharsets.UTF_16));
    bodies.put("a million-element array", utf8("[" + "0,".repeat(300_000) + "0]"));
    bodies.forEach((what, body) -> attempts.add(new Attempt(what, "", JSON, body)));
  }

  private static void collect(JsonNode node, String path, List<String> paths) {
    paths.add(path);
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        collect(field.getValue(), path + "/" + field.getKey(), paths);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        collect(node.get(i), path + "/" + i, paths);
      }
    }
  }

  /** The body with the node at {@code path} replaced by the raw JSON text {@code value}. */
  private static String replace(JsonNode root, String path, String value) {
    if (path.isEmpty()) {
      return value;
    }
    JsonNode copy = root.deepCopy();
    String marker = "\u0001HOSTILE\u0001";
    int slash = path.lastIndexOf('/');
    JsonNode parent = copy.at(path.substring(0, slash));
    String last = path.substring(slash + 1);
    if (parent instanceof ObjectNode object) {
      object.put(last, marker);
    } else if (parent instanceof ArrayNode array) {
      array.set(Integer.parseInt(last), array.textNode(marker));
    }
    String text;
    try {
      text = Json.MAPPER.writeValueAsString(copy);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.replace("\"\\u0001HOSTILE\\u0001\"", value);
  }

  private static JsonNode read(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String deepArray(int depth) {
    return "[".repeat(depth) + "]".repeat(depth);
  }

  private static String deepObject(int depth) {
    return "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(a);
    out.writeBytes(b);
    return out.toByteArray();
  }

  private static String abbreviate(String text) {
    return text.length() <= 60 ? text : text.substring(0, 60) + "... (" + text.length() + " chars)";
  }
}
