using Akka.Configuration;
using Solidb.Cluster.Configuration;
using Solidb.Cluster.Security;
using Xunit;

namespace Solidb.Cluster.Tests.Security;

public sealed class TransportSecurityTests
{
    private static ClusterSettings Parse(string hocon) =>
        ClusterSettings.FromConfig(ConfigurationFactory.ParseString(hocon).WithFallback(SolidbConfig.Reference));

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.5.6.7", true)]
    [InlineData("::1", true)]
    [InlineData("[::1]", true)]
    [InlineData("localhost", true)]
    [InlineData("0.0.0.0", false)]
    [InlineData("::", false)]
    [InlineData("10.0.0.5", false)]
    [InlineData("db1.example.com", false)]
    [InlineData("localhost.example.com", false)]
    public void Only_localhost_and_loopback_addresses_are_loopback(string host, bool loopback) =>
        Assert.Equal(loopback, TransportSecurity.IsLoopback(host));

    [Fact]
    public void A_non_loopback_host_without_TLS_is_refused_in_one_line_naming_the_tls_and_insecure_flags()
    {
        var e = Assert.Throws<SettingsException>(() => Parse("solidb.node.host = \"0.0.0.0\""));

        Assert.Contains("--tls-cert", e.Message);
        Assert.Contains("--insecure", e.Message);
        Assert.Contains("'0.0.0.0'", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Insecure_lets_a_non_loopback_host_start_and_asks_for_a_warning()
    {
        var settings = Parse("solidb.node { host = \"0.0.0.0\", public-host = db1 }\nsolidb.tls.insecure = on");

        Assert.Contains("--insecure", TransportSecurity.InsecureWarning(settings));
        Assert.Null(TransportSecurity.InsecureWarning(Parse("solidb.tls.insecure = on"))); // on loopback: nothing to warn about
    }

    [Fact]
    public void TLS_lets_a_non_loopback_host_start_without_a_warning()
    {
        var settings = Parse("solidb.node { host = \"0.0.0.0\", public-host = db1 }\nsolidb.tls { cert-file = a.crt, key-file = a.key, ca-file = ca.crt }");

        Assert.True(settings.Tls.Enabled);
        Assert.Null(TransportSecurity.InsecureWarning(settings));
    }

    [Theory]
    [InlineData("solidb.tls.cert-file = a.crt", "missing: --tls-key, --tls-ca")]
    [InlineData("solidb.tls { cert-file = a.crt, key-file = a.key }", "missing: --tls-ca")]
    [InlineData("solidb.tls.ca-file = ca.crt", "missing: --tls-cert, --tls-key")]
    [InlineData("solidb.tls.http = on", "--http-tls on (solidb.tls.http) needs")]
    [InlineData("solidb.tls.insecure = maybe", "solidb.tls.insecure: 'maybe' (expected on or off")]
    public void TLS_settings_mistakes_are_one_line_errors(string hocon, string message)
    {
        var e = Assert.Throws<SettingsException>(() => Parse(hocon));

        Assert.Contains(message, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void TLS_is_off_by_default()
    {
        var tls = Parse("").Tls;

        Assert.False(tls.Enabled);
        Assert.False(tls.Http);
        Assert.Equal(HttpsMode.Auto, tls.HttpMode);
        Assert.False(tls.Insecure);
    }

    private const string Files = "solidb.tls { cert-file = a.crt, key-file = a.key, ca-file = ca.crt }\n";
    private const string OffLoopback = "solidb.node { host = \"0.0.0.0\", public-host = db1 }\n";

    [Fact]
    public void With_TLS_off_loopback_the_HTTP_API_is_HTTPS_by_default()
    {
        var settings = Parse(OffLoopback + Files);

        Assert.True(settings.Tls.Http);
    }

    [Theory]
    [InlineData("", false)] // loopback: plain HTTP unless asked
    [InlineData("solidb.tls.http = on", true)]
    [InlineData("solidb.tls.http = off", false)]
    public void On_loopback_the_HTTP_API_stays_plain_HTTP_unless_http_tls_is_on(string http, bool https) =>
        Assert.Equal(https, Parse(Files + http).Tls.Http);

    [Fact]
    public void Http_tls_off_on_a_non_loopback_host_is_refused_in_one_line_naming_insecure()
    {
        var e = Assert.Throws<SettingsException>(() => Parse(OffLoopback + Files + "solidb.tls.http = off"));

        Assert.Contains("--http-tls off", e.Message);
        Assert.Contains("--insecure", e.Message);
        Assert.Contains("'0.0.0.0'", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Http_tls_off_on_a_non_loopback_host_with_insecure_starts_with_a_warning()
    {
        var settings = Parse(OffLoopback + Files + "solidb.tls { http = off, insecure = on }");

        Assert.False(settings.Tls.Http);
        Assert.Contains("--http-tls off", TransportSecurity.InsecureWarning(settings));
        Assert.Null(TransportSecurity.InsecureWarning(Parse(OffLoopback + Files + "solidb.tls.insecure = on"))); // HTTPS: nothing to warn about
    }

    [Theory]
    [InlineData("TLS handshake failed on channel [a->b](Id=1) TLS handshake failed (Server side):\n  Error: not an SSL/TLS record: 2d00", TransportLogAction.Count)]
    [InlineData("TLS handshake failed on channel [a->b](Id=1) Error: (The remote certificate was rejected by the provided RemoteCertificateValidationCallback.)", TransportLogAction.Drop)]
    [InlineData("Rejected incoming connection from [a] due to TLS handshake failure. This is likely invalid or malicious traffic.", TransportLogAction.Drop)]
    [InlineData("Error caught channel [a->b](Id=1) DotNetty.Handlers.Tls.NotSslRecordException: not an SSL/TLS record: 2d00", TransportLogAction.Drop)]
    [InlineData("Error caught channel [a->b](Id=1) System.IO.IOException: Connection reset by peer", TransportLogAction.Pass)]
    public void Akkas_per_connection_TLS_lines_are_dropped_or_counted_once_per_handshake(string message, TransportLogAction action) =>
        Assert.Equal(action, TransportLogFilter.Classify("Akka.Remote.Transport.DotNetty.TcpServerHandler", message));

    [Fact]
    public void An_error_line_whose_exception_is_a_TLS_failure_is_dropped() =>
        Assert.Equal(TransportLogAction.Drop, TransportLogFilter.Classify("Akka.Remote.Transport.DotNetty.TcpServerHandler",
            "Error caught channel [a->b](Id=1)", new System.Security.Authentication.AuthenticationException("handshake")));

    [Fact]
    public void The_summary_keeps_the_channel_and_the_error_on_one_line() =>
        Assert.Equal("[a->b] not an SSL/TLS record: 2d00", TransportLogFilter.Summary(
            "TLS handshake failed on channel [a->b](Id=1) TLS handshake failed (Server side):\n  Error: not an SSL/TLS record: 2d00\n  Server-side TLS troubleshooting:"));

    [Fact]
    public void Lines_of_other_classes_pass_even_when_they_mention_TLS() =>
        Assert.Equal(TransportLogAction.Pass, TransportLogFilter.Classify("Akka.Remote.EndpointWriter", "TLS handshake failed on channel x"));
}
