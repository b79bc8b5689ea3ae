using System.Collections.Frozen;
using System.Runtime.Serialization;
using System.Text.Json;
using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;
using Solidb.Cluster.Client.Events;

namespace Solidb.Cluster.Client.Akka;

/// <summary>
/// The remote API's serializer: System.Text.Json with <see cref="ClusterJson.Options"/> over a closed
/// map from manifest to type. The type always comes from this map, never from the payload; event
/// kinds are the closed set of <see cref="ClusterEvent"/>'s derived types. Payloads over
/// <see cref="MaxPayloadBytes"/>, JSON nested deeper than <see cref="MaxDepth"/>, unknown manifests
/// and JSON that does not parse are refused with a <see cref="SerializationException"/>.
/// </summary>
public class RemoteApiSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>A fixed id of our own (the module's protocol serializer is 674501).</summary>
    public const int SerializerId = 674_502;

    /// <summary>Well below Akka.Remote's frame size (256000 bytes on a node); a status of hundreds of members fits.</summary>
    public const int MaxPayloadBytes = 200_000;

    public const int MaxDepth = 16;

    private static readonly JsonSerializerOptions Json = new(ClusterJson.Options) { MaxDepth = MaxDepth };

    /// <summary>Every type on this serializer and its manifest: the whole wire vocabulary of the remote API.</summary>
    public static IReadOnlyDictionary<string, Type> Types { get; } = new Dictionary<string, Type>(StringComparer.Ordinal)
    {
        ["gs"] = typeof(GetClusterStatus),
        ["sr"] = typeof(ClusterStatusReply),
        ["gl"] = typeof(GetLeader),
        ["lr"] = typeof(LeaderReply),
        ["gt"] = typeof(GetTimestamp),
        ["ot"] = typeof(ObserveTimestamp),
        ["tr"] = typeof(TimestampReply),
        ["sub"] = typeof(SubscribeClusterEvents),
        ["subd"] = typeof(ClusterEventsSubscribed),
        ["ren"] = typeof(RenewClusterEventsSubscription),
        ["rend"] = typeof(ClusterEventsRenewed),
        ["unk"] = typeof(ClusterEventsUnknown),
        ["uns"] = typeof(UnsubscribeClusterEvents),
        ["err"] = typeof(RemoteApiError),
        ["ev"] = typeof(ClusterEvent),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<Type, string> Manifests = Types.ToFrozenDictionary(kv => kv.Value, kv => kv.Key);

    /// <summary>Akka passes the serializer's settings section when it has one.</summary>
    public RemoteApiSerializer(ExtendedActorSystem system, Config settings)
        : this(system)
    {
    }

    public override int Identifier => SerializerId;

    public override string Manifest(object o) => ManifestOf(o.GetType());

    public override byte[] ToBinary(object obj)
    {
        var type = Types[ManifestOf(obj.GetType())];
        var bytes = JsonSerializer.SerializeToUtf8Bytes(obj, type, Json);
        return bytes.Length <= MaxPayloadBytes
            ? bytes
            : throw new SerializationException($"{obj.GetType().Name} is {bytes.Length} bytes, over the remote API's limit of {MaxPayloadBytes}");
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!Types.TryGetValue(manifest ?? "", out var type))
        {
            throw Refuse($"unknown remote API manifest '{Shorten(manifest ?? "")}'");
        }

        if (bytes.Length > MaxPayloadBytes)
        {
            throw Refuse($"a remote API payload of {bytes.Length} bytes (limit {MaxPayloadBytes})");
        }

        object? message;
        try
        {
            message = JsonSerializer.Deserialize(bytes, type, Json);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            throw Refuse($"a remote API payload ({type.Name}, {bytes.Length} bytes) that does not parse: {Shorten(e.Message)}");
        }

        return message ?? throw Refuse($"a remote API payload ({type.Name}) that is null");
    }

    /// <summary>The exception to throw for a payload refused; a node overrides this to count and log it.</summary>
    protected virtual Exception Refuse(string what) => new SerializationException($"refused by the remote API serializer: {what}");

    private static string ManifestOf(Type type)
    {
        // Event kinds share one manifest: their JSON "type" is the closed discriminator.
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (Manifests.TryGetValue(t, out var manifest))
            {
                return manifest;
            }
        }

        throw new SerializationException($"{type} is not a remote API message");
    }

    /// <summary>Wire text made safe for one log line: at most 64 characters, control characters escaped.</summary>
    private static string Shorten(string text) =>
        string.Concat(text.Take(64).Select(c => char.IsControl(c) || char.IsSurrogate(c) ? $"\\u{(int)c:x4}" : c.ToString()))
        + (text.Length > 64 ? $"...({text.Length} chars)" : "");
}
