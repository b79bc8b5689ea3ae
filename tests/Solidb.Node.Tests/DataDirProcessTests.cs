using System.Diagnostics;
using Solidb.Node.Tests.Harness;
using Xunit;

namespace Solidb.Node.Tests;

/// <summary>
/// Start-up on a data dir the system refuses, with real errors from the kernel: a full disk and a
/// read-only file system (a small tmpfs and a read-only bind mount, inside a private mount
/// namespace that dies with the process), and a permission error (the node as user nobody).
/// Each ends with exit 2 and one line saying what happened. The lock conflict is
/// NodeProcessTests.A_second_node_on_the_same_data_dir_is_refused.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class DataDirProcessTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [MountNamespaceFact]
    public async Task A_full_disk_at_start_up_exits_2_naming_the_file()
    {
        var dataDir = _dir.Sub("full");
        Directory.CreateDirectory(dataDir);

        // A one-page tmpfs whose page the lock file holds: the lock is rewritten in place, and the
        // node id (the first new file with content) finds no space.
        var (code, _, stderr) = await SolidbProcess.RunAsync(["--node-id", "full"], dataDir, timeout: Bound,
            wrapper: InMountNamespace("mount -t tmpfs -o size=4k tmpfs \"$D\" && printf 1 > \"$D/.lock\"", dataDir));

        Assert.Equal(2, code);
        AssertOneLineError(stderr, $"cannot write '{Path.Combine(dataDir, "node-id")}': no space left on device");
    }

    [MountNamespaceFact]
    public async Task A_read_only_data_dir_exits_2_saying_so()
    {
        var dataDir = _dir.Sub("ro");
        Directory.CreateDirectory(dataDir);

        var (code, _, stderr) = await SolidbProcess.RunAsync(["--node-id", "ro"], dataDir, timeout: Bound,
            wrapper: InMountNamespace("mount --bind \"$D\" \"$D\" && mount -o remount,ro,bind \"$D\"", dataDir));

        Assert.Equal(2, code);
        AssertOneLineError(stderr, $"cannot take the data dir lock '{Path.Combine(dataDir, ".lock")}': read-only file system");
        Assert.DoesNotContain("locked by another running node", stderr);
    }

    [MountNamespaceFact]
    public async Task A_disk_that_fills_up_while_running_makes_the_node_not_ready_until_space_is_back()
    {
        var dataDir = _dir.Sub("fills");
        Directory.CreateDirectory(dataDir);
        await using var node = SolidbProcess.Start(["--node-id", "fills"], dataDir,
            wrapper: InMountNamespace("mount -t tmpfs -o size=256k tmpfs \"$D\"", dataDir));
        await Until.Async(() => ReadyAsync(node), r => r.Code == 200, Bound);

        // Fill the node's tmpfs from inside its mount namespace (exec keeps the pid).
        Assert.True(Probe.Run(["nsenter", "-t", node.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "-m", "--",
            "sh", "-c", $"cat /dev/zero > '{dataDir}/fill'; test -s '{dataDir}/fill'"]));

        var full = await Until.Async(() => ReadyAsync(node), r => r.Code == 503, Bound);
        Assert.Contains($"cannot persist the clock bound to '{Path.Combine(dataDir, "hlc-bound")}': no space left on device", full.Reason);
        await Until.Async(() => Task.FromResult(node.StdOut), o => o.Contains("the node reports not ready until a write succeeds"), Bound);
        Assert.False(node.HasExited);

        Assert.True(Probe.Run(["nsenter", "-t", node.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "-m", "--", "rm", $"{dataDir}/fill"]));

        await Until.Async(() => ReadyAsync(node), r => r.Code == 200, Bound);
        await Until.Async(() => Task.FromResult(node.StdOut), o => o.Contains("Clock bound persisted again"), Bound);
    }

    private static async Task<(int Code, string Reason)> ReadyAsync(SolidbProcess node)
    {
        try
        {
            using var response = await node.GetAsync("/_api/cluster/health/ready");
            var body = await response.Content.ReadAsStringAsync();
            using var json = System.Text.Json.JsonDocument.Parse(body);
            return ((int)response.StatusCode, json.RootElement.TryGetProperty("reason", out var reason) ? reason.GetString() ?? "" : "");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            return (0, e.Message);
        }
    }

    [RunAsNobodyFact]
    public async Task A_data_dir_the_node_may_not_write_exits_2_with_permission_denied()
    {
        var dataDir = _dir.Sub("perm");
        Directory.CreateDirectory(dataDir); // owned by root, mode 755: nobody may not create files in it

        var (code, _, stderr) = await SolidbProcess.RunAsync(["--node-id", "perm"], dataDir, timeout: Bound,
            wrapper: RunAsNobodyFactAttribute.Wrapper);

        Assert.Equal(2, code);
        AssertOneLineError(stderr, $"cannot take the data dir lock '{Path.Combine(dataDir, ".lock")}': permission denied");
    }

    /// <summary>Runs solidb in a private mount namespace after <paramref name="setup"/> ($D is the data dir).</summary>
    private static string[] InMountNamespace(string setup, string dataDir) =>
        ["unshare", "-m", "--", "sh", "-c", $"D='{dataDir}' && {setup} && exec \"$@\"", "sh"];

    private static void AssertOneLineError(string stderr, string expected)
    {
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("solidb: error: ", line);
        Assert.Contains(expected, line);
    }
}

/// <summary>A fact that needs a private mount namespace with tmpfs and bind mounts (root, or a user namespace that maps it).</summary>
public sealed class MountNamespaceFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Missing = new(() =>
    {
        var probe = Path.Combine(Path.GetTempPath(), "solidb-mount-probe-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(probe);
        try
        {
            return Probe.Run(["unshare", "-m", "--", "sh", "-c", $"mount -t tmpfs -o size=4k tmpfs '{probe}' && mount --bind '{probe}' '{probe}' && mount -o remount,ro,bind '{probe}'"])
                ? null
                : "this environment cannot create a mount namespace with tmpfs and read-only bind mounts (unshare -m as root); the classifier unit tests cover these errnos";
        }
        finally
        {
            Directory.Delete(probe);
        }
    });

    public MountNamespaceFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "Linux only (mount namespaces)";
        }
        else if (Missing.Value is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>A fact that runs solidb as user nobody (needs root and setpriv; root itself ignores permission bits).</summary>
public sealed class RunAsNobodyFactAttribute : FactAttribute
{
    public static readonly string[] Wrapper = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"];

    private static readonly Lazy<string?> Missing = new(() =>
        Probe.Run([.. Wrapper, "dotnet", "--list-runtimes"]) && Probe.Run([.. Wrapper, "test", "-r", SolidbBinary.Path])
            ? null
            : "cannot run solidb as user nobody here (needs root, setpriv, and a build readable by nobody); the classifier unit tests cover EACCES");

    public RunAsNobodyFactAttribute()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            Skip = "needs root on Linux to switch to user nobody";
        }
        else if (Missing.Value is { } reason)
        {
            Skip = reason;
        }
    }
}

internal static class Probe
{
    /// <summary>True when the command runs and exits 0 within 30 s.</summary>
    public static bool Run(string[] command)
    {
        try
        {
            var info = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in command.Skip(1))
            {
                info.ArgumentList.Add(a);
            }

            using var p = Process.Start(info)!;
            _ = p.StandardOutput.ReadToEndAsync();
            _ = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                p.Kill();
                return false;
            }

            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // the command does not exist
        }
    }
}
