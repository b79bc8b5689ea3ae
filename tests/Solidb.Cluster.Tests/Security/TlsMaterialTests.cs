using Solidb.Certs;
using Solidb.Cluster.Client.Security;
using Solidb.Cluster.Configuration;
using Solidb.Cluster.Membership;
using Solidb.Cluster.Security;
using Xunit;

namespace Solidb.Cluster.Tests.Security;

/// <summary>Start-up checks of the TLS files: each bad input is one line naming the file and its flag.</summary>
public sealed class TlsMaterialTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "solidb-tlsm-" + Guid.NewGuid().ToString("N")[..8]);

    public TlsMaterialTests()
    {
        CertsCommand.Write(new CertsOptions(_dir, ["node1", "node2"], ["billing"], [], Force: false), new CertificateIssuer(TimeProvider.System));
        CertsCommand.Write(new CertsOptions(Path.Combine(_dir, "other"), ["node1"], [], [], Force: false), new CertificateIssuer(TimeProvider.System));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string F(string name) => Path.Combine(_dir, name);

    private string Write(string name, string text)
    {
        File.WriteAllText(F(name), text);
        return F(name);
    }

    private static TlsMaterial? Load(string cert, string key, string ca) =>
        TlsMaterial.Load(new TlsSettings { CertFile = cert, KeyFile = key, CaFile = ca }, TimeProvider.System);

    [Fact]
    public void Files_made_by_the_tool_load_with_the_key_and_the_CA()
    {
        using var tls = Load(F("node1.crt"), F("node1.key"), F("ca.crt"));

        Assert.NotNull(tls);
        Assert.True(tls.Certificate.HasPrivateKey);
        Assert.Single(tls.Authorities);
        Assert.Equal(new PeerIdentity(IdentityKind.Node, "node1"), tls.Identity);
        Assert.Equal("node1", tls.NodeId.Value);
    }

    [Fact]
    public void The_node_runs_as_the_id_its_certificate_names_and_no_other()
    {
        using var tls = Load(F("node1.crt"), F("node1.key"), F("ca.crt"))!;

        Assert.Equal("node1", tls.RunAs(null).Value);
        Assert.Equal("node1", tls.RunAs(NodeId.Parse("node1")).Value);
        var e = Assert.Throws<SettingsException>(() => tls.RunAs(NodeId.Parse("node2")));
        Assert.Contains($"the TLS certificate '{F("node1.crt")}' (--tls-cert)", e.Message);
    }

    [Fact]
    public void No_files_means_no_TLS() => Assert.Null(TlsMaterial.Load(new TlsSettings(), TimeProvider.System));

    [Fact]
    public void A_CA_bundle_may_hold_several_CAs()
    {
        var bundle = Write("bundle.crt", File.ReadAllText(F("other/ca.crt")) + File.ReadAllText(F("ca.crt")));

        using var tls = Load(F("node1.crt"), F("node1.key"), bundle);

        Assert.Equal(2, tls!.Authorities.Count);
    }

    public static TheoryData<string, string[]> BadInputs => new()
    {
        { "missing-cert", ["cannot read the TLS certificate", "(--tls-cert)"] },
        { "missing-key", ["cannot read the TLS key", "(--tls-key)"] },
        { "missing-ca", ["cannot read the TLS CA file", "(--tls-ca)"] },
        { "cert-not-pem", ["the TLS certificate", "(--tls-cert) holds no PEM certificate"] },
        { "key-not-pem", ["the TLS key", "(--tls-key) holds no PEM private key"] },
        { "key-of-another-cert", ["the TLS key", "(--tls-key) does not match the certificate"] },
        { "ca-empty", ["the TLS CA file", "(--tls-ca) holds no PEM certificate"] },
        { "cert-of-another-ca", ["(--tls-cert) is not accepted by the CA", "does not chain to the configured CA"] },
        { "service-cert", ["(--tls-cert) is the certificate of service 'billing', not of a node", "solidb-certs --nodes ID"] },
        { "cert-without-identity", ["(--tls-cert) names no SoliDB identity", "must be re-issued"] },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Each_bad_input_is_one_line_naming_the_file_and_its_flag(string problem, string[] expected)
    {
        var (cert, key, ca) = (F("node1.crt"), F("node1.key"), F("ca.crt"));
        switch (problem)
        {
            case "missing-cert": cert = F("nope.crt"); break;
            case "missing-key": key = F("nope.key"); break;
            case "missing-ca": ca = F("nope-ca.crt"); break;
            case "cert-not-pem": cert = Write("garbage.crt", "not a certificate"); break;
            case "key-not-pem": key = Write("garbage.key", "not a key"); break;
            case "key-of-another-cert": key = F("node2.key"); break;
            case "ca-empty": ca = Write("empty-ca.crt", "# no certificates here\n"); break;
            case "cert-of-another-ca": (cert, key) = (F("other/node1.crt"), F("other/node1.key")); break;
            case "service-cert": (cert, key) = (F("service-billing.crt"), F("service-billing.key")); break;
            case "cert-without-identity": (cert, key) = WithoutIdentity(); break;
            default: throw new ArgumentOutOfRangeException(nameof(problem));
        }

        var e = Assert.Throws<SettingsException>(() => Load(cert, key, ca));

        Assert.All(expected, part => Assert.Contains(part, e.Message));
        Assert.DoesNotContain('\n', e.Message);
    }

    private (string Cert, string Key) WithoutIdentity()
    {
        var pair = LegacyCertificate.Issue(F("ca.crt"), F("ca.key"));
        return (Write("old-node.crt", pair.Certificate), Write("old-node.key", pair.PrivateKey));
    }
}
