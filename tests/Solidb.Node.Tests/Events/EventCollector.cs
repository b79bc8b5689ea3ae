using Solidb.Cluster.Client.Events;

namespace Solidb.Node.Tests.Events;

/// <summary>Reads a stream in the background, keeping every event, until the node closes it or the collector is disposed.</summary>
public sealed class EventCollector : IAsyncDisposable
{
    private readonly List<ClusterEvent> _events = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;

    public EventCollector(EventStreamClient client)
    {
        Client = client;
        _reading = Task.Run(ReadAsync);
    }

    public EventStreamClient Client { get; }

    public IReadOnlyList<ClusterEvent> Events
    {
        get { lock (_events) { return [.. _events]; } }
    }

    public bool Closed => _reading.IsCompleted;

    /// <summary>Waits until an event matches, polling; fails with what was received.</summary>
    public async Task<ClusterEvent> WaitForAsync(Func<ClusterEvent, bool> match, TimeSpan bound, string what)
    {
        var deadline = DateTime.UtcNow + bound;
        while (DateTime.UtcNow < deadline)
        {
            if (Events.FirstOrDefault(match) is { } e)
            {
                return e;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"no {what} within {bound}; received: {string.Join(" | ", Events.Select(Describe))}");
    }

    public static string Describe(ClusterEvent e) => e switch
    {
        MemberStateChangedEvent m => $"{e.Seq} {e.Type} {m.NodeId} {m.From}->{m.To}",
        LeaderChangedEvent l => $"{e.Seq} {e.Type} {l.Leader} term {l.Term}",
        _ => $"{e.Seq} {e.Type}",
    };

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Client.DisposeAsync();
        await _reading.WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }

    private async Task ReadAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested && await Client.NextAsync(TimeSpan.FromMinutes(5)) is { } e)
            {
                lock (_events)
                {
                    _events.Add(e);
                }
            }
        }
        catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Closed under it.
        }
    }
}
