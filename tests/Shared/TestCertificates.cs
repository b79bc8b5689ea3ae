using Solidb.Certs;

namespace Solidb.Testing;

/// <summary>The three TLS files of one node.</summary>
public sealed record TlsFiles(string Cert, string Key, string Ca)
{
    /// <summary>The node flags that turn mutual TLS on.</summary>
    public IReadOnlyList<string> Args => ["--tls-cert", Cert, "--tls-key", Key, "--tls-ca", Ca];
}

/// <summary>A CA and node certificates made by solidb-certs (CertsCommand) in a temp dir, removed on dispose.</summary>
public sealed class TestCertificates : IDisposable
{
    private TestCertificates(string dir) => Dir = dir;

    public string Dir { get; }

    public string CaCert => Path.Combine(Dir, "ca.crt");

    public static TestCertificates Create(params string[] nodes)
    {
        var dir = Path.Combine(Path.GetTempPath(), "solidb-certs-" + Guid.NewGuid().ToString("N")[..8]);
        CertsCommand.Write(new CertsOptions(dir, nodes, [], Force: false), new CertificateIssuer(TimeProvider.System));
        return new TestCertificates(dir);
    }

    public TlsFiles For(string node) => new(Path.Combine(Dir, node + ".crt"), Path.Combine(Dir, node + ".key"), CaCert);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp dir is harmless.
        }
    }
}
