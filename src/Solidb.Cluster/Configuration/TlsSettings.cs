using Solidb.Cluster.Security;

namespace Solidb.Cluster.Configuration;

/// <summary>
/// solidb.tls: mutual TLS between nodes (PEM files), HTTPS for the HTTP API, and the explicit
/// opt-out for a node that listens beyond loopback without TLS. Only the paths are parsed here;
/// <see cref="TlsMaterial.Load"/> reads and checks the files at start-up.
/// </summary>
public sealed record TlsSettings
{
    /// <summary>The node's certificate (PEM); null when TLS is off.</summary>
    public string? CertFile { get; init; }

    /// <summary>The node certificate's private key (PEM, PKCS#8 or the algorithm's own format).</summary>
    public string? KeyFile { get; init; }

    /// <summary>The CA certificates (PEM bundle) a peer's certificate must chain to; several during a rotation.</summary>
    public string? CaFile { get; init; }

    /// <summary>Serve the HTTP API over HTTPS with the node's certificate (<see cref="HttpMode"/> resolved for the node's host).</summary>
    public bool Http { get; init; }

    /// <summary>What solidb.tls.http says: auto (the default), on or off.</summary>
    public HttpsMode HttpMode { get; init; }

    /// <summary>The operator accepts unauthenticated, unencrypted traffic on a non-loopback host.</summary>
    public bool Insecure { get; init; }

    public bool Enabled => CertFile is not null;

    /// <param name="host">The bind host: with TLS, HTTPS is the default off loopback.</param>
    internal static TlsSettings From(ConfigReader r, string host)
    {
        var cert = Path(r, "tls.cert-file");
        var key = Path(r, "tls.key-file");
        var ca = Path(r, "tls.ca-file");
        var given = new[] { (cert, "--tls-cert"), (key, "--tls-key"), (ca, "--tls-ca") };
        var missing = given.Where(g => g.Item1 is null).Select(g => g.Item2).ToList();
        if (missing.Count is 1 or 2)
        {
            throw new SettingsException(
                $"TLS needs all three of --tls-cert, --tls-key and --tls-ca (solidb.tls.cert-file, key-file, ca-file); missing: {string.Join(", ", missing)}");
        }

        var mode = r.String("tls.http").Trim().Equals("auto", StringComparison.OrdinalIgnoreCase) ? HttpsMode.Auto
            : r.Bool("tls.http") ? HttpsMode.On : HttpsMode.Off;
        var settings = new TlsSettings
        {
            CertFile = cert,
            KeyFile = key,
            CaFile = ca,
            HttpMode = mode,
            Http = mode == HttpsMode.On || (mode == HttpsMode.Auto && cert is not null && !TransportSecurity.IsLoopback(host)),
            Insecure = r.Bool("tls.insecure"),
        };
        return settings.Http && !settings.Enabled
            ? throw new SettingsException("--http-tls on (solidb.tls.http) needs the node's certificate: give --tls-cert, --tls-key and --tls-ca")
            : settings;
    }

    private static string? Path(ConfigReader r, string key) => r.String(key).Trim() is { Length: > 0 } path ? path : null;
}

/// <summary>solidb.tls.http: auto serves HTTPS off loopback when the node has TLS, plain HTTP on loopback.</summary>
public enum HttpsMode
{
    Auto,
    On,
    Off,
}
