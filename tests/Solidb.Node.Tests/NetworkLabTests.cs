using Solidb.Node.Tests.Harness;
using Xunit;

namespace Solidb.Node.Tests;

/// <summary>The network lab itself: a cut link is cut in both directions and nothing else is, a heal restores it, dispose leaves nothing behind.</summary>
[Collection(ProcessCollection.Name)]
public sealed class NetworkLabTests
{
    [NetworkNamespaceFact]
    public async Task A_cut_blocks_only_the_link_between_its_two_hosts_and_a_heal_restores_it()
    {
        using var dir = new TempDir();
        string[] namespaces;
        using (var lab = NetworkLab.Create(3))
        {
            namespaces = [.. Enumerable.Range(0, 3).Select(lab.Namespace)];
            // A node on host 0 listens on its HTTP port; the test reaches it from the root namespace.
            await using var node = SolidbProcess.Start(["--node-id", "n0", "--insecure"], dir.Sub("n0"), 6745, 6746,
                wrapper: lab.Wrapper(0), host: lab.Address(0));
            await Until.Async(node.TryStatusAsync, s => s is not null, TimeSpan.FromSeconds(60));
            Assert.Equal(Reach.Connected, Try(lab, from: 1, to: 0));
            Assert.Equal(Reach.Refused, Try(lab, from: 0, to: 1)); // host 1 is reachable, nothing listens there

            lab.Cut(0, 1);

            Assert.Equal(Reach.Blocked, Try(lab, from: 1, to: 0));
            Assert.Equal(Reach.Blocked, Try(lab, from: 0, to: 1));
            Assert.Equal(Reach.Connected, Try(lab, from: 2, to: 0));
            Assert.Equal(Reach.Refused, Try(lab, from: 2, to: 1));
            Assert.NotNull(await node.TryStatusAsync()); // the test still reaches a host on either side of a cut

            lab.Heal(0, 1);

            Assert.Equal(Reach.Connected, Try(lab, from: 1, to: 0));
            Assert.Equal(Reach.Refused, Try(lab, from: 0, to: 1));
        }

        var left = ListNamespaces();
        Assert.DoesNotContain(namespaces, left.Contains);
    }

    private enum Reach
    {
        Connected,
        Refused,
        Blocked,
    }

    /// <summary>A TCP connect from host <paramref name="from"/> to port 6746 of host <paramref name="to"/> (bash's /dev/tcp).</summary>
    private static Reach Try(NetworkLab lab, int from, int to)
    {
        var (code, output) = Run(["ip", "netns", "exec", lab.Namespace(from), "timeout", "3", "bash", "-c", $"exec 3<>/dev/tcp/{lab.Address(to)}/6746"]);
        return code == 0 ? Reach.Connected
            : output.Contains("Connection refused", StringComparison.Ordinal) ? Reach.Refused
            : Reach.Blocked; // a blackhole route here fails the connect at once, one on the other side leaves it unanswered
    }

    private static string ListNamespaces() => Run(["ip", "netns", "list"]).Output;

    private static (int Code, string Output) Run(string[] command)
    {
        var info = new System.Diagnostics.ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in command.Skip(1))
        {
            info.ArgumentList.Add(a);
        }

        using var p = System.Diagnostics.Process.Start(info)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout + stderr.Result);
    }
}
