using System.Text;

namespace Solidb.Node.Tests.Fuzz;

/// <summary>How a <see cref="FuzzRequest"/> goes over the wire.</summary>
public enum Delivery
{
    Whole,
    Pipelined,
    Truncated,
    SlowThenStop,
    Garbage,
    HttpClient,
}

/// <summary>
/// One generated HTTP request from a seed: random and mutated methods, targets, versions,
/// headers and bodies. <see cref="Bytes"/> is what a raw socket sends.
/// </summary>
public sealed record FuzzRequest(int Seed, Delivery Delivery, string Method, string Target, string Version,
    IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body, byte[] Bytes)
{
    private static readonly string[] Endpoints =
    [
        "/_api/health", "/_api/cluster/health/live", "/_api/cluster/health/ready", "/_api/cluster/status", "/_api/cluster/leader",
        "/_api/cluster/events", "/_api/cluster/events?since=1&incarnation=1&types=leader_changed", "/metrics", "/", "/_api", "/_api/cluster",
        // The admin endpoints: the fuzzer never has the token, so every one of these must be refused.
        "/_api/cluster/leave", "/_api/cluster/members/fuzz/down", "/_api/cluster/leader/transfer", "/_api/cluster/leader/transfer?to=fuzz",
    ];

    private static readonly string[] Methods =
    [
        "GET", "GET", "GET", "HEAD", "POST", "POST", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT", "get", "Get", "FOO", "", "G ET",
        "GET\0", "ГЕТ", "PRI", "M-SEARCH", "GET/", "\u00e9", "*",
    ];

    private static readonly string[] Versions =
        ["HTTP/1.1", "HTTP/1.1", "HTTP/1.1", "HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/0.9", "HTTP/1.1x", "", "http/1.1", "HTTP/1.10", "HTTP/3"];

    private static readonly string[] Suffixes =
    [
        "/", "//", "/..", "/../../../../etc/passwd", "/%2e%2e/", "%00", "\0", "?a=b", "?a=%zz&&=", "#frag", "%", "%zz", "%2F", "/ü",
        "\u202e", ";jsessionid=1", "/./", "?", "\t", " x", "%C0%AF", "%u002e", "\\..\\", "/%E2%82%AC", "?" + new string('q', 3000),
    ];

    private static readonly string[] HeaderNames =
    [
        "Accept", "Content-Type", "Connection", "Upgrade", "Expect", "Cookie", "X-Forwarded-For", "Authorization", "Bad Header", "X:Y",
        "\u0001", "ü", "", "Host", "Content-Length", "Transfer-Encoding", "Range", "If-None-Match", "Origin",
    ];

    private static readonly string[] HeaderValues =
    [
        "*/*", "application/json", "close", "keep-alive", "upgrade", "websocket", "h2c", "100-continue", "a\0b", "\u00ff", "ü", "",
        "   ", "bytes=0-1,5-", "text/plain; charset=utf-99", "127.0.0.1", "\u202e", "=;=;",
    ];

    public override string ToString() =>
        $"{Delivery} {Show(Method)} {Show(Target)} {Show(Version)} headers [{string.Join(", ", Headers.Take(8).Select(h => $"{Show(h.Key)}: {Show(h.Value)}"))}" +
        $"{(Headers.Count > 8 ? $", ... ({Headers.Count})" : "")}] body {Body.Length} bytes";

    public static FuzzRequest Generate(int seed, int port)
    {
        var r = new Random(seed);
        var delivery = r.Next(20) switch
        {
            < 8 => Delivery.Whole,
            < 10 => Delivery.Pipelined,
            < 12 => Delivery.Truncated,
            < 13 => Delivery.SlowThenStop,
            < 14 => Delivery.Garbage,
            _ => Delivery.HttpClient,
        };
        var method = Methods[r.Next(Methods.Length)];
        if (r.Next(30) == 0)
        {
            method = new string('G', r.Next(100, 20_000));
        }

        var target = MakeTarget(r);

        var version = Versions[r.Next(Versions.Length)];
        var body = MakeBody(r);
        var headers = MakeHeaders(r, port, body.Length);
        var bytes = Serialize(method, target, version, headers, body);
        if (delivery == Delivery.Pipelined)
        {
            var more = Enumerable.Range(0, r.Next(1, 5)).Select(_ =>
            {
                var path = Endpoints[r.Next(Endpoints.Length)];
                return Serialize(r.Next(4) == 0 ? "HEAD" : r.Next(3) == 0 ? "POST" : "GET", path, "HTTP/1.1",
                    [new("Host", $"127.0.0.1:{port}")], []);
            });
            bytes = [.. bytes, .. more.SelectMany(b => b)];
        }
        else if (delivery == Delivery.Garbage)
        {
            bytes = new byte[r.Next(1, 8192)];
            r.NextBytes(bytes);
        }

        return new FuzzRequest(seed, delivery, method, target, version, headers, body, bytes);
    }

    private static string MakeTarget(Random r)
    {
        var target = Endpoints[r.Next(Endpoints.Length)];
        for (var n = r.Next(0, 4); n > 0; n--)
        {
            target = r.Next(6) switch
            {
                0 => target.ToUpperInvariant(),
                1 => string.Concat(target.Select(c => r.Next(3) == 0 ? $"%{(int)c:X2}" : c.ToString())),
                2 => target.Insert(r.Next(target.Length + 1), Suffixes[r.Next(Suffixes.Length)]),
                3 => target + "/" + new string('a', r.Next(1, r.Next(2) == 0 ? 300 : 70_000)),
                4 => r.Next(2) == 0 ? $"http://127.0.0.1{target}" : "*",
                _ => target + Suffixes[r.Next(Suffixes.Length)],
            };
        }

        return target;
    }

    private static byte[] MakeBody(Random r) => r.Next(6) switch
    {
        0 => [],
        1 => Encoding.UTF8.GetBytes("{\"a\":1}"),
        2 => RandomBytes(r, r.Next(1, 2048)),
        3 => RandomBytes(r, r.Next(100_000, 1_000_000)),
        _ => [],
    };

    private static byte[] RandomBytes(Random r, int n)
    {
        var b = new byte[n];
        r.NextBytes(b);
        return b;
    }

    private static List<KeyValuePair<string, string>> MakeHeaders(Random r, int port, int bodyLength)
    {
        var headers = new List<KeyValuePair<string, string>>();
        if (r.Next(10) != 0)
        {
            headers.Add(new("Host", r.Next(10) == 0 ? "ünï.example" : $"127.0.0.1:{port}"));
        }

        switch (r.Next(12))
        {
            case 0:
                headers.Add(new("Content-Length", bodyLength.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                headers.Add(new("Content-Length", (bodyLength + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)));
                break;
            case 1:
                headers.Add(new("Content-Length", r.Next(4) switch { 0 => "-1", 1 => "99999999999999999999", 2 => "abc", _ => " 5 " }));
                break;
            case 2:
                headers.Add(new("Transfer-Encoding", r.Next(5) switch { 0 => "gzip", 1 => "chunked, chunked", 2 => "chunked", 3 => "identity", _ => "x" }));
                break;
            case 3:
                headers.Add(new("Transfer-Encoding", "chunked"));
                headers.Add(new("Content-Length", bodyLength.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                break;
            case 4 or 5 or 6:
                if (bodyLength > 0)
                {
                    headers.Add(new("Content-Length", bodyLength.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                }

                break;
        }

        var count = r.Next(20) == 0 ? r.Next(100, 2000) : r.Next(0, 6);
        for (var i = 0; i < count; i++)
        {
            var name = r.Next(4) == 0 ? $"X-Fuzz-{i}" : HeaderNames[r.Next(HeaderNames.Length)];
            var value = r.Next(25) == 0 ? new string('v', r.Next(10_000, 200_000)) : HeaderValues[r.Next(HeaderValues.Length)];
            headers.Add(new(name, value));
        }

        if (r.Next(20) == 0)
        {
            headers.Add(new(" folded", "continuation"));
        }

        return headers;
    }

    private static byte[] Serialize(string method, string target, string version, IEnumerable<KeyValuePair<string, string>> headers, byte[] body)
    {
        var head = new StringBuilder();
        head.Append(method).Append(' ').Append(target).Append(' ').Append(version).Append("\r\n");
        foreach (var (name, value) in headers)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        head.Append("\r\n");
        return [.. Encoding.UTF8.GetBytes(head.ToString()), .. body];
    }

    private static string Show(string s) =>
        (s.Length > 60 ? s[..60] + $"...({s.Length} chars)" : s).Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\0", "\\0", StringComparison.Ordinal);
}
