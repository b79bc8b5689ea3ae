namespace Solidb.Cluster.Security;

/// <summary>
/// Why a message or connection from the network was refused. A closed set, so the counters keyed
/// by it stay bounded whatever an attacker sends; the wire name is the key in stats.rejections.
/// </summary>
public enum RejectionReason
{
    /// <summary>A node id field that is no valid node id (empty, too long, bad characters).</summary>
    MalformedNodeId,

    /// <summary>A field out of its range: a negative sequence, a null or malformed address, an oversize string.</summary>
    InvalidField,

    /// <summary>The sender is no member this node knows (its Akka address and uid match no member).</summary>
    UnknownSender,

    /// <summary>The claimed node id differs from the member at the sender's Akka address and uid.</summary>
    SenderMismatch,

    /// <summary>A vote or leadership claim from a member that is no voter.</summary>
    NotAVoter,

    /// <summary>A term at or above the limit (2^62), or a term jump from a non-voter.</summary>
    TermOutOfRange,

    /// <summary>A bootstrap message from a node that is not one of the configured peers.</summary>
    NotAConfiguredPeer,

    /// <summary>A timestamp too far ahead of the local wall clock (also counted as clock_skew_rejections).</summary>
    ClockSkew,

    /// <summary>A message type the receiving actor does not take.</summary>
    UnknownMessage,

    /// <summary>A payload the wire serializers refused (type off the allow-list, unknown serializer, truncated).</summary>
    Serialization,

    /// <summary>A TLS peer whose certificate does not chain to the configured CA, or no TLS at all.</summary>
    TlsHandshake,

    /// <summary>An HTTP request to a token-protected endpoint without the admin token, with a wrong one, or from a browser (Origin).</summary>
    Unauthorized,

    /// <summary>
    /// A message whose sender path is at another address than the connection that carried it, or
    /// whose claimed node id is not the node named by that connection's certificate.
    /// </summary>
    ForgedSender,

    /// <summary>A message a connection's identity may not send: a service speaking the node protocol, gossip or joins.</summary>
    NotPermitted,

    /// <summary>A system message (death watch) naming an actor of the receiving node or of a third address as dead, or watching for another address.</summary>
    SystemMessage,

    /// <summary>A member or joiner that is no node: no node certificate, or a role that names another node id than its certificate.</summary>
    NotANode,

    /// <summary>A term no election could have produced: far above every term a majority of the voters has reached.</summary>
    ImplausibleTerm,
}

public static class RejectionReasons
{
    public static IReadOnlyList<RejectionReason> All { get; } = Enum.GetValues<RejectionReason>();

    /// <summary>The snake_case name used in stats and logs, e.g. <c>sender_mismatch</c>.</summary>
    public static string WireName(this RejectionReason reason) => reason switch
    {
        RejectionReason.MalformedNodeId => "malformed_node_id",
        RejectionReason.InvalidField => "invalid_field",
        RejectionReason.UnknownSender => "unknown_sender",
        RejectionReason.SenderMismatch => "sender_mismatch",
        RejectionReason.NotAVoter => "not_a_voter",
        RejectionReason.TermOutOfRange => "term_out_of_range",
        RejectionReason.NotAConfiguredPeer => "not_a_configured_peer",
        RejectionReason.ClockSkew => "clock_skew",
        RejectionReason.UnknownMessage => "unknown_message",
        RejectionReason.Serialization => "serialization",
        RejectionReason.TlsHandshake => "tls_handshake",
        RejectionReason.Unauthorized => "unauthorized",
        RejectionReason.ForgedSender => "forged_sender",
        RejectionReason.NotPermitted => "not_permitted",
        RejectionReason.SystemMessage => "system_message",
        RejectionReason.NotANode => "not_a_node",
        RejectionReason.ImplausibleTerm => "implausible_term",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };
}
