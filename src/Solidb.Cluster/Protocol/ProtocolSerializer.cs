using System.Collections.Frozen;
using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Serialization;

namespace Solidb.Cluster.Protocol;

/// <summary>
/// Hyperion restricted to the module's own wire types. The allow-list is passed through the
/// constructor because Hyperion's HOCON <c>allowed-types</c> rejects allowed types on serialize
/// and <c>HyperionSerializerSetup.WithTypeFilter</c> is ignored in 1.5.73 (shared AKKA-NOTES §2.2).
/// </summary>
/// <remarks>
/// Whatever the bytes hold, deserializing either yields a protocol message or throws a
/// <see cref="System.Runtime.Serialization.SerializationException"/> (counted as a
/// <c>serialization</c> rejection): a type off the allow-list, a truncated or corrupt payload, or a
/// nested allowed type sent on its own. Akka.Remote drops the message and keeps the association.
/// </remarks>
public sealed class ProtocolSerializer(ExtendedActorSystem system)
    : HyperionSerializer(system, HyperionSerializerSettings.Default
        .WithDisallowUnsafeType(true)
        .WithTypeFilter(new AllowListTypeFilter(ProtocolTypes.All)))
{
    /// <summary>A fixed id of our own, so it never collides with Hyperion's -5.</summary>
    public const int SerializerId = 674_501;

    /// <summary>Akka's private Hyperion instance (built from the settings), so both directions use the same options.</summary>
    private static readonly System.Reflection.FieldInfo HyperionField = typeof(HyperionSerializer)
        .GetField("_serializer", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)
        ?? throw new InvalidOperationException("Akka's HyperionSerializer no longer has a _serializer field: review ProtocolSerializer");

    private Hyperion.Serializer? _hyperion;

    public override int Identifier => SerializerId;

    public override object FromBinary(byte[] bytes, Type type)
    {
        object message;
        try
        {
            // Not base.FromBinary: that reads from a MemoryStream, and Hyperion allocates whatever
            // length a payload claims before reading it (LengthCheckedStream).
            _hyperion ??= (Hyperion.Serializer)HyperionField.GetValue(this)!;
            message = _hyperion.Deserialize(new LengthCheckedStream(bytes));
        }
        catch (Exception e)
        {
            throw Security.WireGuard.Refuse(system, $"a protocol payload of {bytes.Length} bytes: {e.GetType().Name}: {Security.Rejections.Quote(e.Message)}");
        }

        return message is IProtocolMessage
            ? message
            : throw Security.WireGuard.Refuse(system, $"a protocol payload holding {message?.GetType().Name ?? "null"}, not a message");
    }
}

/// <summary>Every type allowed on the wire: the sealed protocol messages and the types inside them.</summary>
public static class ProtocolTypes
{
    public static IReadOnlyList<Type> All { get; } = typeof(IProtocolMessage).Assembly.GetTypes()
        .Where(t => typeof(IProtocolMessage).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
        .Concat(Nested)
        .ToList();

    /// <summary>Non-message types carried inside messages; add a type here when a message gains one.</summary>
    private static IEnumerable<Type> Nested => [typeof(Clock.HlcTimestamp), typeof(Membership.HealthSignal)];
}

/// <summary>Hyperion type filter that compares names without version, culture and key token.</summary>
internal sealed partial class AllowListTypeFilter(IEnumerable<Type> allowed) : Hyperion.ITypeFilter
{
    private readonly FrozenSet<string> _allowed = allowed
        .Select(t => ShortName(t.AssemblyQualifiedName!))
        .ToFrozenSet(StringComparer.Ordinal);

    public bool IsAllowed(string typeName) => _allowed.Contains(ShortName(typeName));

    internal static string ShortName(string assemblyQualifiedName) =>
        AssemblyDetails().Replace(assemblyQualifiedName, "");

    [GeneratedRegex(@", (Version|Culture|PublicKeyToken)=[^,\]]*")]
    private static partial Regex AssemblyDetails();
}
