namespace Solidb.Cluster.Configuration;

/// <summary><c>solidb.http</c>: who may use the HTTP API (docs/security.md "Admin endpoints").</summary>
public sealed record HttpSettings
{
    /// <summary>The file holding the admin token; null: generated once into the data dir (<c>Admin.AdminToken</c>).</summary>
    public string? AdminTokenFile { get; init; }

    /// <summary>The read endpoints need the token too (liveness stays open).</summary>
    public bool RequireTokenForReads { get; init; }

    internal static HttpSettings From(ConfigReader r)
    {
        var file = r.String("http.admin-token-file").Trim();
        if (file.Any(char.IsControl))
        {
            throw SettingsException.Invalid(r.Key("http.admin-token-file"), file, "must not contain control characters");
        }

        return new HttpSettings
        {
            AdminTokenFile = file.Length == 0 ? null : file,
            RequireTokenForReads = r.Bool("http.require-token-for-reads"),
        };
    }
}
