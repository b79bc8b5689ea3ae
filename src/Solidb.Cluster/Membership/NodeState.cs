namespace Solidb.Cluster.Membership;

/// <summary>A member's state as this module reports it.</summary>
public enum NodeState
{
    /// <summary>Seen joining; not yet Up in Akka.Cluster.</summary>
    Joining,

    /// <summary>Up and healthy.</summary>
    Active,

    /// <summary>Announced a graceful leave.</summary>
    Leaving,

    /// <summary>Confirmed failed (or downed).</summary>
    Failed,

    /// <summary>Suspected: heartbeats are missing, not yet confirmed failed.</summary>
    Unknown,
}
