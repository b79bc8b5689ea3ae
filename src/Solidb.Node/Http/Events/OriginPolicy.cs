namespace Solidb.Node.Http.Events;

/// <summary>
/// Browsers apply no CORS to WebSockets, so a page on another site could open the stream with the user's network
/// position: an <c>Origin</c> header must name the request's own scheme, host and port. A request without one (a
/// service, a command-line tool, our client library) passes.
/// </summary>
public static class OriginPolicy
{
    /// <param name="origin">The Origin header (null or empty: none sent).</param>
    /// <param name="scheme">The request's scheme (http or https).</param>
    /// <param name="host">The request's Host header (host, or host:port).</param>
    public static bool Allows(string? origin, string scheme, string? host)
    {
        if (string.IsNullOrEmpty(origin))
        {
            return true;
        }

        // "null" (an opaque origin: a sandboxed frame, a file) and anything unparsable are another site.
        if (string.IsNullOrEmpty(host) || !Uri.TryCreate(origin, UriKind.Absolute, out var from) || from.PathAndQuery is not ("/" or "")
            || !Uri.TryCreate($"{scheme}://{host}/", UriKind.Absolute, out var self))
        {
            return false;
        }

        return string.Equals(from.Scheme, self.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(from.IdnHost, self.IdnHost, StringComparison.OrdinalIgnoreCase)
            && from.Port == self.Port;
    }
}
