namespace Solidb.Cluster.Security.Transport;

/// <summary>What the transport guard does with one PDU: pass it to Akka, or drop it for a reason.</summary>
public readonly record struct GuardVerdict(RejectionReason? Reason, string? Detail, bool AlreadyCounted = false)
{
    public static GuardVerdict Pass => default;

    public bool Passes => Reason is null && !AlreadyCounted;

    public static GuardVerdict Drop(RejectionReason reason, string detail) => new(reason, detail);

    /// <summary>Dropped for a refusal something else already counted (a payload the wire serializer refused).</summary>
    public static GuardVerdict DropCounted(string detail) => new(null, detail, AlreadyCounted: true);
}

/// <summary>The node id a module protocol payload claims to come from.</summary>
public abstract record ProtocolClaim
{
    /// <summary>The payload names its sender's node id.</summary>
    public sealed record Named(string NodeId) : ProtocolClaim;

    /// <summary>The payload names no sender (the clock API's requests and answers).</summary>
    public sealed record Anonymous : ProtocolClaim;

    /// <summary>The payload does not deserialize (the wire serializer refused and counted it).</summary>
    public sealed record Undecodable(string Why) : ProtocolClaim;
}

/// <summary>What the guard needs to know of the node it protects (the live implementation reads the module's membership).</summary>
public interface IGuardView
{
    /// <summary>This node's own address.</summary>
    WireAddress Local { get; }

    /// <summary>The node id of the member at host:port (the module's membership); null when no member is there.</summary>
    string? MemberAt(string hostPort);

    /// <summary>Who a module protocol payload (serializer <see cref="Protocol.ProtocolSerializer.SerializerId"/>) claims to be from.</summary>
    ProtocolClaim ClaimOf(Google.Protobuf.ByteString body);
}
