using System.Threading.Channels;
using Akka.Actor;
using Solidb.Cluster.Client.Events;

namespace Solidb.Node.Http.Events;

/// <summary>
/// One connection's send queue: the subscription's events go in without ever waiting (<see cref="Offer"/> runs on
/// the relay actor), the connection's sender takes them out. When the queue is full the consumer is too slow: the
/// event is dropped, <see cref="Overflowed"/> completes and nothing more is queued; the consumer resumes from the
/// last seq it received.
/// </summary>
public sealed class EventRelay
{
    private readonly Channel<ClusterEvent> _queue;
    private readonly TaskCompletionSource _overflowed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public EventRelay(int capacity)
    {
        Capacity = capacity;
        _queue = Channel.CreateBounded<ClusterEvent>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full; nothing ever waits
        });
    }

    public int Capacity { get; }

    public ChannelReader<ClusterEvent> Reader => _queue.Reader;

    /// <summary>Completes (on the thread pool, never on the caller's thread) when an event did not fit.</summary>
    public Task Overflowed => _overflowed.Task;

    /// <summary>Queues the event; false when it did not fit (or an earlier one did not).</summary>
    public bool Offer(ClusterEvent e)
    {
        if (_overflowed.Task.IsCompleted)
        {
            return false;
        }

        if (_queue.Writer.TryWrite(e))
        {
            return true;
        }

        _overflowed.TrySetResult();
        return false;
    }

    /// <summary>No more events will come (the relay stopped): the sender ends once the queue is empty.</summary>
    public void Complete() => _queue.Writer.TryComplete();
}

/// <summary>The subscriber of one connection: hands each event to its <see cref="EventRelay"/> and nothing else.</summary>
public sealed class EventRelayActor : ReceiveActor
{
    private readonly EventRelay _relay;

    public EventRelayActor(EventRelay relay)
    {
        _relay = relay;
        Receive<ClusterEvent>(e => _relay.Offer(e));
    }

    public static Props Props(EventRelay relay) => Akka.Actor.Props.Create(() => new EventRelayActor(relay));

    protected override void PostStop() => _relay.Complete();
}
