using System.Globalization;

namespace Solidb.Cmd.Cli;

/// <summary>The options every command takes, checked.</summary>
/// <param name="Nodes">The nodes to ask, in order (the first that answers is used).</param>
/// <param name="TokenFile">The admin token's file: <c>--token-file</c>, else <c>SOLIDB_ADMIN_TOKEN_FILE</c>; null when neither.</param>
public sealed record GlobalOptions(IReadOnlyList<Uri> Nodes, string? TlsCa, bool Json, string? TokenFile, TimeSpan Timeout)
{
    public const string DefaultNode = "http://127.0.0.1:6746";
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The global options with a value, and what each means (help text).</summary>
    public static IReadOnlyList<OptionSpec> WithValue { get; } =
    [
        new("--node", "URL", "a node's HTTP API: http(s)://host:port, or host:port for http; repeatable, the first that answers is used (default $SOLIDB_NODE or " + DefaultNode + ")"),
        new("--tls-ca", "FILE", "the CA certificate(s), PEM, that an https node's certificate must chain to"),
        new("--token-file", "FILE", "the admin token's file (default $SOLIDB_ADMIN_TOKEN_FILE); needed by leave, down, transfer-leadership"),
        new("--timeout", "TIME", "how long one request may take: 5, 5s, 500ms (default 5s)"),
    ];

    /// <summary>The global switches.</summary>
    public static IReadOnlyList<OptionSpec> Switches { get; } =
    [
        new("--json", "", "print the answer as JSON (one document; cluster tail: one event per line)"),
        new("--help", "", "show help (also -h)"),
    ];

    public static GlobalOptions From(ParsedOptions options, Func<string, string?> env)
    {
        var given = options.All("--node");
        if (given.Count == 0)
        {
            given = [env("SOLIDB_NODE") is { Length: > 0 } fromEnv ? fromEnv : DefaultNode];
        }

        var nodes = given.Select(ParseNode).Distinct().ToList();
        var timeout = options.Last("--timeout") is { } t ? ParseTimeout(t) : DefaultTimeout;
        var tokenFile = options.Last("--token-file") ?? (env("SOLIDB_ADMIN_TOKEN_FILE") is { Length: > 0 } file ? file : null);
        return new GlobalOptions(nodes, options.Last("--tls-ca"), options.Has("--json"), tokenFile, timeout);
    }

    /// <summary><c>http://</c> or <c>https://</c> URLs as given; <c>host:port</c> (also <c>[v6]:port</c>) as http.</summary>
    public static Uri ParseNode(string text)
    {
        var candidate = text.Contains("://", StringComparison.Ordinal) ? text : "http://" + text;
        if (!Uri.TryCreate(candidate, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https")
            || url.Host.Length == 0 || !string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.Fragment) || url.UserInfo.Length > 0)
        {
            throw new UsageException($"invalid value for --node: '{text}' (expected http://host:port, https://host:port or host:port)");
        }

        if (!text.Contains("://", StringComparison.Ordinal) && url.IsDefaultPort && !text.EndsWith(":80", StringComparison.Ordinal))
        {
            throw new UsageException($"invalid value for --node: '{text}' has no port (expected host:port, e.g. 127.0.0.1:6746)");
        }

        return url;
    }

    public static TimeSpan ParseTimeout(string text)
    {
        var (number, scale) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 0.001)
            : text.EndsWith('s') ? (text[..^1], 1.0)
            : (text, 1.0);
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            || value * scale < 0.001 || value * scale > 3600)
        {
            throw new UsageException($"invalid value for --timeout: '{text}' (expected a time from 1ms to 3600s: 5, 5s, 500ms)");
        }

        return TimeSpan.FromSeconds(value * scale);
    }
}
