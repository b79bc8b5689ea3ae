using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Solidb.Cluster.Clock;
using Solidb.Node.Tests.Harness;
using Xunit;

namespace Solidb.Node.Tests;

/// <summary>
/// The clockshift shim (tools/clockshift) really moves one process's wall clock and nothing else:
/// on a C probe (every wall and monotonic clock function), on a .NET process (DateTime.UtcNow
/// against Stopwatch) and on solidb itself (its HLC follows the shifted wall clock, also when the
/// offset changes while it runs).
/// </summary>
[Collection(ProcessCollection.Second)]
public sealed class ClockShiftTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>How far the node's HLC may be from the test's clock plus the offset (beyond half the request's round trip).</summary>
    private const double ToleranceMs = 700;

    private static readonly string[] WallClocks = ["realtime", "realtime_coarse", "gettimeofday", "timespec_get"];
    private static readonly string[] MonotonicClocks = ["monotonic", "monotonic_raw", "boottime"];

    [ClockShiftFact]
    public void The_shim_shifts_every_wall_clock_function_and_no_monotonic_clock()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Path);
        var offsetFile = dir.Sub("clock-offset");
        ClockShift.Set(offsetFile, TimeSpan.FromMilliseconds(3000));

        var before = RunProbe(null);
        var shifted = RunProbe(ClockShift.Environment(offsetFile));
        var after = RunProbe(null);

        foreach (var clock in WallClocks)
        {
            AssertBetween(before[clock] + 3_000_000_000, shifted[clock], after[clock] + 3_000_000_000, clock);
        }

        AssertBetween(before["time"] + 3, shifted["time"], after["time"] + 3, "time");
        foreach (var clock in MonotonicClocks)
        {
            AssertBetween(before[clock], shifted[clock], after[clock], clock);
        }
    }

    [ClockShiftTheory]
    [InlineData("-1500\n", -1500)]
    [InlineData("+250", 250)]
    [InlineData(" 42 \r\n", 42)]
    [InlineData("garbage", 0)]
    [InlineData("12abc", 0)]
    [InlineData("1 2", 0)]
    [InlineData("-", 0)]
    [InlineData("", 0)]
    [InlineData("99999999999999999999999", 0)]
    [InlineData(null, 0)] // no file at all
    public void The_offset_file_holds_one_signed_integer_of_milliseconds_and_anything_else_means_0(string? content, long expectedMs)
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Path);
        var offsetFile = dir.Sub("clock-offset");
        if (content is not null)
        {
            ClockShift.Write(offsetFile, content);
        }

        var before = RunProbe(null);
        var shifted = RunProbe(ClockShift.Environment(offsetFile));
        var after = RunProbe(null);

        AssertBetween(before["realtime"] + expectedMs * 1_000_000, shifted["realtime"], after["realtime"] + expectedMs * 1_000_000, "realtime");
        AssertBetween(before["monotonic"], shifted["monotonic"], after["monotonic"], "monotonic");
    }

    [ClockShiftFact]
    public async Task A_dotnet_process_sees_the_shift_in_DateTime_UtcNow_and_not_in_Stopwatch_or_TickCount()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Path);
        var offsetFile = dir.Sub("clock-offset");
        ClockShift.Set(offsetFile, TimeSpan.FromMilliseconds(3000));

        // PowerShell (the repository's local dotnet tool) is a .NET 10 process that can print its clocks.
        var (wallBefore, monoBefore, tickBefore) = (DateTime.UtcNow.Ticks, Stopwatch.GetTimestamp(), System.Environment.TickCount64);
        var output = await RunAsync("dotnet", ["pwsh", "-NoProfile", "-NoLogo", "-NonInteractive", "-Command",
            "[DateTime]::UtcNow.Ticks; [Diagnostics.Stopwatch]::GetTimestamp(); [Diagnostics.Stopwatch]::Frequency; [Environment]::TickCount64"],
            ClockShift.Environment(offsetFile), ClockShift.RepositoryRoot());
        var (wallAfter, monoAfter, tickAfter) = (DateTime.UtcNow.Ticks, Stopwatch.GetTimestamp(), System.Environment.TickCount64);

        var values = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => long.Parse(l, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(4, values.Length);
        var shift = TimeSpan.FromMilliseconds(3000).Ticks;
        AssertBetween(wallBefore + shift, values[0], wallAfter + shift, "DateTime.UtcNow ticks");
        Assert.Equal(Stopwatch.Frequency, values[2]);
        AssertBetween(monoBefore, values[1], monoAfter, "Stopwatch.GetTimestamp");
        AssertBetween(tickBefore, values[3], tickAfter, "Environment.TickCount64");
    }

    [ClockShiftFact]
    public async Task A_node_3_s_ahead_stamps_3_s_ahead_at_the_normal_rate_and_follows_its_clock_back_to_real_time()
    {
        using var dir = new TempDir();
        var offsetFile = dir.Sub("clock-offset");
        Directory.CreateDirectory(dir.Path);
        ClockShift.Set(offsetFile, TimeSpan.FromMilliseconds(3000));
        var startedReal = DateTimeOffset.UtcNow;
        await using var node = SolidbProcess.Start(["--node-id", "n1"], dir.Sub("data"), environment: ClockShift.Environment(offsetFile));
        await Until.Async(node.TryStatusAsync, s => s is not null, Bound);

        var first = await HlcOffsetAsync(node);
        AssertNear(3000, first);
        var startedAt = (await node.StatusAsync()).GetProperty("started_at").GetDateTimeOffset();
        Assert.InRange((startedAt - startedReal).TotalMilliseconds, 3000 - ToleranceMs, 3000 + (DateTimeOffset.UtcNow - startedReal).TotalMilliseconds);

        // For 2 s of real time the node's clock keeps the same lead: it runs at the real rate.
        var window = Stopwatch.StartNew();
        while (window.Elapsed < TimeSpan.FromSeconds(2))
        {
            AssertNear(3000, await HlcOffsetAsync(node));
            await Task.Delay(50); // paces the samples; nothing waits on it
        }

        // The clock is fixed: the HLC never goes back, holds its lead until real time reaches it, then follows real time.
        ClockShift.Set(offsetFile, TimeSpan.Zero);
        var seen = new List<HlcTimestamp>();
        await Until.Async(async () =>
        {
            var sample = await HlcOffsetAsync(node);
            seen.Add(sample.Hlc);
            return sample;
        }, s => Math.Abs(s.OffsetMs) <= ToleranceMs + s.HalfRoundTripMs, TimeSpan.FromSeconds(15));
        Assert.Equal(seen.Order(), seen);
    }

    [ClockShiftFact]
    public async Task A_node_started_3_s_behind_stamps_3_s_behind_and_follows_its_clock_forward_and_back()
    {
        using var dir = new TempDir();
        var offsetFile = dir.Sub("clock-offset");
        Directory.CreateDirectory(dir.Path);
        ClockShift.Set(offsetFile, TimeSpan.FromMilliseconds(-3000));
        await using var node = SolidbProcess.Start(["--node-id", "n1"], dir.Sub("data"), environment: ClockShift.Environment(offsetFile));
        await Until.Async(node.TryStatusAsync, s => s is not null, Bound);

        AssertNear(-3000, await HlcOffsetAsync(node));

        ClockShift.Set(offsetFile, TimeSpan.FromMilliseconds(3000));
        await Until.Async(() => HlcOffsetAsync(node), s => Math.Abs(s.OffsetMs - 3000) <= ToleranceMs + s.HalfRoundTripMs, TimeSpan.FromSeconds(10));

        ClockShift.Set(offsetFile, TimeSpan.Zero);
        await Until.Async(() => HlcOffsetAsync(node), s => Math.Abs(s.OffsetMs) <= ToleranceMs + s.HalfRoundTripMs, TimeSpan.FromSeconds(15));
    }

    /// <summary>The node's HLC (from its status) against the test's real clock at the request's midpoint.</summary>
    private static async Task<HlcSample> HlcOffsetAsync(SolidbProcess node)
    {
        var before = DateTimeOffset.UtcNow;
        var status = await node.StatusAsync();
        var after = DateTimeOffset.UtcNow;
        var hlc = HlcTimestamp.Parse(status.GetProperty("hlc").GetString()!);
        var midpoint = before + ((after - before) / 2);
        return new HlcSample(hlc, (double)hlc.Physical - midpoint.ToUnixTimeMilliseconds(), (after - before).TotalMilliseconds / 2);
    }

    private static void AssertNear(double expectedMs, HlcSample sample) =>
        Assert.True(Math.Abs(sample.OffsetMs - expectedMs) <= ToleranceMs + sample.HalfRoundTripMs,
            $"expected the node's clock {expectedMs} ms off real time (±{ToleranceMs} ms), it is {sample.OffsetMs} ms off (hlc {sample.Hlc})");

    private static void AssertBetween(long low, long actual, long high, string what) =>
        Assert.True(low <= actual && actual <= high, $"{what}: {actual} is not within [{low}, {high}] (low {actual - low:+#;-#;0}, high {actual - high:+#;-#;0})");

    private static Dictionary<string, long> RunProbe(IReadOnlyDictionary<string, string>? environment)
    {
        var output = RunAsync(ClockShift.ProbePath, [], environment, null).GetAwaiter().GetResult();
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' '))
            .ToDictionary(p => p[0], p => long.Parse(p[1], CultureInfo.InvariantCulture));
    }

    private static async Task<string> RunAsync(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment, string? workingDirectory)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null)
        {
            info.WorkingDirectory = workingDirectory;
        }

        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cts.Token);
        Assert.True(process.ExitCode == 0, $"{file} exited {process.ExitCode}: {await stderr}");
        return await stdout;
    }

    private sealed record HlcSample(HlcTimestamp Hlc, double OffsetMs, double HalfRoundTripMs);
}
