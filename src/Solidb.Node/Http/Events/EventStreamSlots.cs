namespace Solidb.Node.Http.Events;

/// <summary>The open event-stream connections, at most <see cref="Max"/> (solidb.events.max-connections). Thread-safe.</summary>
public sealed class EventStreamSlots(int max)
{
    private int _open;

    public int Max { get; } = max;

    public int Open => Volatile.Read(ref _open);

    /// <summary>Takes a slot; false when all <see cref="Max"/> are in use (the caller answers 503).</summary>
    public bool TryTake()
    {
        while (true)
        {
            var open = Volatile.Read(ref _open);
            if (open >= Max)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _open, open + 1, open) == open)
            {
                return true;
            }
        }
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _open) < 0)
        {
            throw new InvalidOperationException("an event-stream slot was released twice");
        }
    }
}
