using Solidb.Cluster.Admin;
using Solidb.Cluster.Configuration;

namespace Solidb.Cluster.RemoteApi;

/// <summary>
/// Who may ask the remote API (docs/remote-api.md "Who may ask"). With mutual TLS the connection's
/// certificate is the credential: only holders of a certificate of the cluster's CA connect at all,
/// and a service certificate reaches nothing but the receptionist, so no token is asked for (a
/// service need not hold the cluster's admin token). Without TLS anyone who reaches the port can
/// connect, so with <c>solidb.http.require-token-for-reads = on</c> every request must carry the
/// admin token, compared as the HTTP API compares it (SHA-256, fixed time).
/// </summary>
public sealed class RemoteApiAccess
{
    private readonly AdminToken? _token;

    private RemoteApiAccess(bool tokenNeeded, AdminToken? token)
    {
        TokenNeeded = tokenNeeded;
        _token = token;
    }

    /// <summary>Every request must carry the admin token.</summary>
    public bool TokenNeeded { get; }

    /// <summary>Everyone who connects may ask (TLS, or reads open).</summary>
    public static RemoteApiAccess Open { get; } = new(false, null);

    /// <param name="token">The node's admin token; resolved from the settings when null and needed.</param>
    public static RemoteApiAccess For(ClusterSettings settings, AdminToken? token) =>
        settings.Tls.Enabled || !settings.Http.RequireTokenForReads
            ? Open
            : new RemoteApiAccess(true, token ?? AdminToken.Resolve(settings.Http, settings.DataDir));

    /// <summary>Null when the request may be served; otherwise why not, in words for the service.</summary>
    public string? Refusal(string? presented) =>
        !TokenNeeded ? null
        : presented is null ? "this node needs the admin token on every request (solidb.http.require-token-for-reads = on, no TLS): set SolidbClusterClientOptions.BearerToken"
        : _token!.Matches(presented) ? null
        : "the admin token is wrong";
}
