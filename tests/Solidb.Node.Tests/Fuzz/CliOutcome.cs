using Solidb.Cluster.Configuration;
using Solidb.Cluster.Identity;
using Solidb.Node.Cli;

namespace Solidb.Node.Tests.Fuzz;

/// <summary>What start-up makes of a <see cref="CliCase"/>, decided in-process by the same path Program.Main takes.</summary>
public sealed record CliOutcome(bool Valid, string? Error, string? HttpHost, int HttpPort)
{
    /// <summary>
    /// Parses and validates the case as Program.Main does before it starts the host (loads the
    /// TLS files, opens the data dir and resolves the admin token). Returns the error of a UsageException, SettingsException or
    /// DataDirectoryException; any other exception escapes to the caller (a finding).
    /// </summary>
    public static CliOutcome Of(CliCase c)
    {
        try
        {
            var cli = CommandLine.Parse(c.Args);
            if (cli.Help || cli.Version)
            {
                return new CliOutcome(true, null, null, 0);
            }

            var loaded = Program.Validate(cli, k => c.Environment.GetValueOrDefault(k));
            // Main loads the TLS files next: a missing or bad one is one line and exit 2 there too.
            using var tls = Solidb.Cluster.Security.TlsMaterial.Load(loaded.Settings.Tls, TimeProvider.System);
            using var dir = tls is null
                ? DataDirectory.Open(loaded.Settings.DataDir, loaded.Settings.NodeId)
                : DataDirectory.Open(loaded.Settings.DataDir, tls.RunAs(loaded.Settings.NodeId), tls.CertFile);
            // Then the admin token: a --admin-token-file that is no token file is one line and exit 2 there too.
            Solidb.Cluster.Admin.AdminToken.Resolve(loaded.Settings.Http, dir.Path);
            // Where a client reaches the node: the bind address, with "any" replaced by loopback.
            var bind = Solidb.Node.Hosting.PortCheck.ResolveBindAddress(loaded.Settings.Host);
            var host = bind.Equals(System.Net.IPAddress.Any) ? "127.0.0.1"
                : bind.Equals(System.Net.IPAddress.IPv6Any) ? "[::1]"
                : bind.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{bind}]"
                : bind.ToString();
            return new CliOutcome(true, null, host, loaded.Settings.HttpPort);
        }
        catch (Exception e) when (e is UsageException or SettingsException or DataDirectoryException)
        {
            return new CliOutcome(false, e.Message, null, 0);
        }
    }

    /// <summary>Why an error message is not one printable line, or null when it is.</summary>
    public static string? NotOneLine(string message) =>
        message.Length == 0 ? "empty message"
        : message.Any(char.IsControl) ? "control character (line break?) in the message"
        : message.Contains("   at ", StringComparison.Ordinal) ? "stack trace in the message"
        : null;
}
