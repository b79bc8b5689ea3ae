using System.Net;
using System.Net.Sockets;

namespace Solidb.Cluster.Client.Tests;

internal static class TestSupport
{
    /// <summary>A bound on waiting for one event that holds on a loaded 2-core machine; a pass takes milliseconds.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    public static async Task<T> Next<T>(IAsyncEnumerator<T> events, TimeSpan? within = null)
    {
        Assert.True(await events.MoveNextAsync().AsTask().WaitAsync(within ?? Patience), "the watch ended");
        return events.Current;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or the patience (or <paramref name="within"/>) runs out.</summary>
    public static async Task Eventually(Func<bool> condition, string what, TimeSpan? within = null)
    {
        using var deadline = new CancellationTokenSource(within ?? Patience);
        while (!condition())
        {
            if (deadline.IsCancellationRequested)
            {
                Assert.Fail($"timed out waiting until {what}");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>A URL on which nothing listens: connecting to it is refused.</summary>
    public static Uri RefusingUrl()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}");
    }
}

/// <summary>A Random whose every draw is the same number in [0, 1).</summary>
internal sealed class FixedRandom(double value) : Random
{
    public override double NextDouble() => value;

    protected override double Sample() => value;
}
