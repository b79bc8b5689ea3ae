using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Solidb.Certs;
using Solidb.Cluster.Client.Security;
using Solidb.Cluster.Security;
using Xunit;

namespace Solidb.Cluster.Tests.Certs;

/// <summary>solidb-certs: the files it writes, what is in them, and its mistakes.</summary>
public sealed class CertsCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "solidb-certs-t-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private (int Code, string Out, string Err) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = CertsCommand.Run(args, stdout, stderr, TimeProvider.System);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private string F(string name) => Path.Combine(_dir, name);

    [Fact]
    public void Writes_the_CA_and_each_nodes_certificate_and_key_with_private_keys_mode_0600()
    {
        var (code, _, err) = Run("--out", _dir, "--nodes", "node1,node2,node3");

        Assert.Equal(0, code);
        Assert.Equal("", err);
        foreach (var name in new[] { "ca", "node1", "node2", "node3" })
        {
            Assert.True(File.Exists(F(name + ".crt")), name + ".crt");
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(F(name + ".key")));
            }
        }
    }

    [Fact]
    public void A_node_certificate_names_its_node_id_the_node_loopback_and_the_hosts_allows_server_and_client_auth_chains_to_the_CA_and_matches_its_key()
    {
        Run("--out", _dir, "--nodes", "node1", "--hosts", "db1.example.com,10.0.0.5");

        using var cert = X509Certificate2.CreateFromPemFile(F("node1.crt"), F("node1.key"));
        var san = cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["node1", "db1.example.com"], san.EnumerateDnsNames());
        Assert.Equal([IPAddress.Loopback, IPAddress.Parse("10.0.0.5")], san.EnumerateIPAddresses());
        Assert.Equal(["urn:solidb:node:node1"], CertificateIdentity.SanUris(cert));
        Assert.Equal(new PeerIdentity(IdentityKind.Node, "node1"), CertificateIdentity.Read(cert, out var problem));
        Assert.Null(problem);
        var eku = cert.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value);
        Assert.Equal([CertificateIssuer.ServerAuthOid, CertificateIssuer.ClientAuthOid], eku);
        Assert.True(cert.HasPrivateKey); // CreateFromPemFile checks that the key matches
        Assert.True(new CaTrust([X509Certificate2.CreateFromPem(File.ReadAllText(F("ca.crt")))], TimeProvider.System).Validates(cert, null, out var reason), reason);
        Assert.Equal("ECC", cert.PublicKey.Oid.FriendlyName);
        Assert.InRange((cert.NotAfter - cert.NotBefore).TotalDays, 364, 366);
    }

    [Fact]
    public void A_service_certificate_names_only_the_service_allows_client_auth_only_and_chains_to_the_CA()
    {
        var (code, stdout, err) = Run("--out", _dir, "--nodes", "node1", "--services", "billing,leader-watch", "--hosts", "db1.example.com");

        Assert.Equal(0, code);
        Assert.Equal("", err);
        Assert.Contains("service-billing.crt and .key (service certificate of 'billing' (client only))", stdout);
        Assert.False(File.Exists(F("billing.crt")));
        using var cert = X509Certificate2.CreateFromPemFile(F("service-billing.crt"), F("service-billing.key"));
        Assert.Equal(new PeerIdentity(IdentityKind.Service, "billing"), CertificateIdentity.Read(cert, out _));
        var san = cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Empty(san.EnumerateDnsNames()); // not a server: no host names, not even the --hosts
        Assert.Empty(san.EnumerateIPAddresses());
        Assert.Equal(["urn:solidb:service:billing"], CertificateIdentity.SanUris(cert));
        var eku = cert.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value);
        Assert.Equal([CertificateIssuer.ClientAuthOid], eku);
        Assert.True(new CaTrust([X509Certificate2.CreateFromPem(File.ReadAllText(F("ca.crt")))], TimeProvider.System).Validates(cert, null, out var reason), reason);
        Assert.InRange((cert.NotAfter - cert.NotBefore).TotalDays, 364, 366);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(F("service-leader-watch.key")));
        }
    }

    [Fact]
    public void Services_alone_are_signed_by_the_existing_CA_and_are_not_overwritten_unless_forced()
    {
        Run("--out", _dir, "--nodes", "node1");
        var ca = File.ReadAllText(F("ca.crt"));

        Assert.Equal(0, Run("--out", _dir, "--services", "billing").Code);
        var billing = File.ReadAllText(F("service-billing.crt"));
        var (code, _, err) = Run("--out", _dir, "--services", "billing");
        Assert.Equal(2, code);
        Assert.Contains("service-billing.crt' exists; refusing to overwrite it (use --force)", err);
        Assert.Equal(billing, File.ReadAllText(F("service-billing.crt")));

        Assert.Equal(0, Run("--out", _dir, "--services", "billing", "--force").Code);
        Assert.NotEqual(billing, File.ReadAllText(F("service-billing.crt")));
        Assert.Equal(ca, File.ReadAllText(F("ca.crt")));
        using var cert = X509Certificate2.CreateFromPem(File.ReadAllText(F("service-billing.crt")));
        Assert.True(new CaTrust([X509Certificate2.CreateFromPem(ca)], TimeProvider.System).Validates(cert, null, out var reason), reason);
    }

    [Fact]
    public void The_CA_is_a_CA_valid_for_five_years()
    {
        Run("--out", _dir, "--nodes", "node1");

        using var ca = X509Certificate2.CreateFromPemFile(F("ca.crt"), F("ca.key"));
        Assert.True(ca.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.InRange((ca.NotAfter - ca.NotBefore).TotalDays, 5 * 365 - 1, 5 * 365 + 1);
    }

    [Fact]
    public void Refuses_to_overwrite_a_node_file_unless_forced_and_never_replaces_the_CA()
    {
        Run("--out", _dir, "--nodes", "node1");
        var ca = File.ReadAllText(F("ca.crt"));
        var node1 = File.ReadAllText(F("node1.crt"));

        var (code, _, err) = Run("--out", _dir, "--nodes", "node1");
        Assert.Equal(2, code);
        Assert.Contains("node1.crt' exists; refusing to overwrite it (use --force)", err);
        Assert.Equal(node1, File.ReadAllText(F("node1.crt")));

        Assert.Equal(0, Run("--out", _dir, "--nodes", "node1,node2", "--force").Code);
        Assert.NotEqual(node1, File.ReadAllText(F("node1.crt")));
        Assert.Equal(ca, File.ReadAllText(F("ca.crt"))); // the existing CA signed the new ones
    }

    [Theory]
    [InlineData(new[] { "--nodes", "node1" }, "missing --out DIR")]
    [InlineData(new[] { "--out", "x" }, "missing --nodes LIST")]
    [InlineData(new[] { "--out", "x", "--nodes", "node 1" }, "invalid value for --nodes: 'node 1'")]
    [InlineData(new[] { "--out", "x", "--nodes", "a,A" }, "'a' is listed twice")]
    [InlineData(new[] { "--out", "x", "--nodes", "ca" }, "invalid value for --nodes: 'ca'")]
    [InlineData(new[] { "--out", "x", "--nodes", "a", "--hosts", "bad host" }, "invalid value for --hosts: 'bad host'")]
    [InlineData(new[] { "--out", "x", "--nodes", "a", "--out", "y" }, "option --out is given more than once")]
    [InlineData(new[] { "--out", "x", "--nodes" }, "option --nodes needs a value")]
    [InlineData(new[] { "--ouput", "x" }, "unknown option '--ouput'")]
    [InlineData(new[] { "--out", "x", "--services", "bad/name" }, "invalid value for --services: 'bad/name' is no valid service name")]
    [InlineData(new[] { "--out", "x", "--services", "" }, "invalid value for --services: '' is no valid service name")]
    [InlineData(new[] { "--out", "x", "--services" }, "option --services needs a value")]
    [InlineData(new[] { "--out", "x", "--services", "-s" }, "'-s' is no valid service name")]
    [InlineData(new[] { "--out", "x", "--services", "s1,S1" }, "invalid value for --services: 's1' is listed twice")]
    [InlineData(new[] { "--out", "x", "--nodes", "n1", "--services", "N1" }, "'n1' is given as a node (--nodes) and as a service (--services)")]
    [InlineData(new[] { "--out", "x", "--nodes", "service-web", "--services", "web" }, "node 'service-web' and service 'web' would both be written to service-web.crt")]
    [InlineData(new[] { "--out", "x", "--services", "a", "--services", "b" }, "option --services is given more than once")]
    public void Mistakes_exit_2_with_one_line_and_write_nothing(string[] args, string message)
    {
        var (code, stdout, err) = Run(args);

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.StartsWith("solidb-certs: error: ", err);
        Assert.Contains(message, err);
        Assert.Single(err.TrimEnd().Split('\n'));
        Assert.False(Directory.Exists("x"));
    }

    [Fact]
    public void Help_exits_0()
    {
        var (code, stdout, _) = Run("--help");

        Assert.Equal(0, code);
        Assert.Contains("Usage: solidb-certs --out DIR --nodes", stdout);
    }
}
