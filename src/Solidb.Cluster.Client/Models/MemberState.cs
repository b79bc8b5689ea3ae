namespace Solidb.Cluster.Client.Models;

/// <summary>A member's state as the cluster module reports it.</summary>
public enum MemberState
{
    /// <summary>Seen joining; not yet Up.</summary>
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
