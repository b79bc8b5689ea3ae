using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster.Tools.Client;
using Solidb.Cluster.Client.Models;

namespace Solidb.Cluster.Client.Akka;

public sealed record SolidbClusterClientOptions
{
    /// <summary>How long a request waits for its answer.</summary>
    public TimeSpan AskTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often a subscription is renewed. The node drops a subscription not renewed for three
    /// intervals, and each renewal's answer keeps ClusterClient's response tunnel (closed after 30 s
    /// without traffic) open, so keep it at 10 s or less.
    /// </summary>
    public TimeSpan RenewInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The nodes' Akka address protocol; null: <c>akka.ssl.tcp</c> when the service's system runs TLS, else <c>akka.tcp</c>. Set it only for transport adapters.</summary>
    public string? AddressProtocol { get; init; }

    /// <summary>The actor name of the ClusterClient in the service's actor system.</summary>
    public string Name { get; init; } = "solidb-cluster-client";

    /// <summary>
    /// The cluster's admin token, sent with every request (subscriptions included). A node without TLS
    /// needs it when <c>solidb.http.require-token-for-reads = on</c>; with mutual TLS the service's
    /// certificate is the credential and no token is needed (docs/remote-api.md "Who may ask").
    /// </summary>
    public string? BearerToken { get; init; }
}

/// <summary>A refusal from the node (<see cref="RemoteApiError"/>), or an answer of the wrong kind.</summary>
public sealed class SolidbRemoteApiException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}

/// <summary>
/// A service's handle on a SoliDB cluster through Akka's ClusterClient: asks status, leader and
/// timestamps, and subscribes actors to cluster events. Contacts any of the given nodes and moves
/// to another when the one it talks to dies.
/// </summary>
public sealed class SolidbClusterClient
{
    private readonly SolidbClusterClientOptions _options;

    private SolidbClusterClient(ActorSystem system, IActorRef client, SolidbClusterClientOptions options)
    {
        System = system;
        Client = client;
        _options = options;
    }

    public ActorSystem System { get; }

    /// <summary>The ClusterClient actor (send it <see cref="ClusterClient.Send"/> to reach <see cref="RemoteApiPaths.Service"/>).</summary>
    public IActorRef Client { get; }

    /// <summary>Starts a ClusterClient in <paramref name="system"/> (configured by <see cref="ClientAkkaConfig"/>) towards the receptionists at the contact points.</summary>
    public static SolidbClusterClient Create(ActorSystem system, IReadOnlyList<ContactPoint> contactPoints, SolidbClusterClientOptions? options = null)
    {
        options ??= new SolidbClusterClientOptions();
        if (contactPoints.Count == 0)
        {
            throw new ArgumentException("at least one contact point is needed", nameof(contactPoints));
        }

        var tls = system.Settings.Config.GetBoolean("akka.remote.dot-netty.tcp.enable-ssl", false);
        var protocol = options.AddressProtocol ?? (tls ? "akka.ssl.tcp" : "akka.tcp");
        var contacts = contactPoints.Select(p => ActorPath.Parse(p.ReceptionistPath(protocol))).ToHashSet();
        var settings = ClusterClientSettings.Create(system).WithInitialContacts(contacts.ToImmutableHashSet());
        var client = system.ActorOf(ClusterClient.Props(settings), options.Name);
        return new SolidbClusterClient(system, client, options);
    }

    /// <summary>The message that sends <paramref name="request"/> to the API of the node the client is connected to.</summary>
    public static ClusterClient.Send ToService(IRemoteApiMessage request) => new(RemoteApiPaths.Service, request, localAffinity: true);

    /// <summary>The request with <paramref name="token"/> (when not null) attached.</summary>
    public static IRemoteApiMessage WithToken(IRemoteApiMessage request, string? token) =>
        token is not null && request is RemoteApiRequest r ? r with { Token = token } : request;

    public async Task<StatusResponse> GetStatusAsync(CancellationToken cancellationToken = default) =>
        (await AskAsync<ClusterStatusReply>(GetClusterStatus.Instance, cancellationToken)).Status;

    public async Task<LeaderResponse> GetLeaderAsync(CancellationToken cancellationToken = default) =>
        (await AskAsync<LeaderReply>(GetLeader.Instance, cancellationToken)).Leader;

    public Task<TimestampReply> GetTimestampAsync(CancellationToken cancellationToken = default) =>
        AskAsync<TimestampReply>(GetTimestamp.Instance, cancellationToken);

    /// <summary>Reports a timestamp seen on an incoming event; the answer is the node's new timestamp, greater than it.</summary>
    public Task<TimestampReply> ObserveTimestampAsync(string timestamp, CancellationToken cancellationToken = default) =>
        AskAsync<TimestampReply>(new ObserveTimestamp(timestamp), cancellationToken);

    /// <summary>
    /// Subscribes <paramref name="subscriber"/> to the cluster's events: it receives the client
    /// library's <see cref="Events.ClusterEvent"/> models (a snapshot first, and again a snapshot
    /// after moving to another node, as events are numbered per node). Returns the subscription's
    /// actor: stop it to unsubscribe; it also ends when the subscriber stops.
    /// </summary>
    public IActorRef Subscribe(IActorRef subscriber, IReadOnlyList<string>? types = null) =>
        System.ActorOf(EventsSubscription.Props(Client, subscriber, types, _options.RenewInterval, _options.BearerToken));

    private async Task<T> AskAsync<T>(IRemoteApiMessage request, CancellationToken cancellationToken)
    {
        var answer = await Client.Ask<object>(ToService(WithToken(request, _options.BearerToken)), _options.AskTimeout, cancellationToken);
        return answer switch
        {
            T reply => reply,
            RemoteApiError error => throw new SolidbRemoteApiException(error.Code, error.Message),
            _ => throw new SolidbRemoteApiException(RemoteApiErrors.Unavailable, $"unexpected answer {answer?.GetType().Name ?? "null"} to {request.GetType().Name}"),
        };
    }
}
