package io.pagewire.platform.http;

/**
 * One entry of {@link HttpApi#routeTable()}.
 *
 * @param pattern the path with {@code {name}} segments, as registered
 * @param authenticated false for a public route ({@link HttpApi#publicRoute}), which needs no credentials
 * @param scope what the caller must be allowed ({@link Principal.Scope}); null on a public route
 */
public record RouteInfo(String method, String pattern, boolean authenticated, Principal.Scope scope) {}
