using Solidb.Cluster.Admin;
using Solidb.Cluster.Client;
using Solidb.Cluster.Client.Models;

namespace Solidb.Node.Http.Admin;

/// <summary>What an endpoint needs: the admin token always (<see cref="Admin"/>), or only with require-token-for-reads (<see cref="Read"/>).</summary>
public enum TokenNeed
{
    Admin,
    Read,
}

/// <summary>Endpoint metadata: this endpoint is protected by the admin token.</summary>
public sealed record TokenRequirement(TokenNeed Need);

/// <summary>Why a request was refused: the status, the JSON error and, for 401, the WWW-Authenticate challenge.</summary>
public sealed record TokenRefusal(int Status, string Error, string? Challenge);

/// <summary>
/// The admin token check of the HTTP API (docs/security.md "Admin endpoints"). Apply it with
/// <see cref="RequireAdminToken{TBuilder}"/> or <see cref="RequireReadToken{TBuilder}"/> on any
/// endpoint (minimal-API handler, WebSocket, group); <see cref="UseTokenAccess"/> enforces it for
/// every endpoint that carries the metadata, whatever kind of handler it has.
/// </summary>
public static class TokenAccess
{
    /// <summary>The endpoint always needs the token, and refuses browsers (any Origin, Sec-Fetch-Site: cross-site).</summary>
    public static TBuilder RequireAdminToken<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new TokenRequirement(TokenNeed.Admin));

    /// <summary>The endpoint needs the token when <c>solidb.http.require-token-for-reads = on</c> (status, events, /metrics).</summary>
    public static TBuilder RequireReadToken<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new TokenRequirement(TokenNeed.Read));

    /// <summary>
    /// The refusal for a request to an endpoint that needs <paramref name="need"/>, or null when it may proceed.
    /// Browsers are refused before the token is looked at: a page must not learn whether a guessed token is right.
    /// </summary>
    public static TokenRefusal? Check(TokenNeed need, IHeaderDictionary headers, AdminToken token, bool requireForReads)
    {
        if (need == TokenNeed.Read && !requireForReads)
        {
            return null;
        }

        if (need == TokenNeed.Admin && (headers.Origin.Count > 0
                || string.Equals(headers["Sec-Fetch-Site"].ToString(), "cross-site", StringComparison.OrdinalIgnoreCase)))
        {
            return new TokenRefusal(StatusCodes.Status403Forbidden,
                "admin endpoints refuse requests from browsers (an Origin or Sec-Fetch-Site: cross-site header)", null);
        }

        var presented = AdminToken.FromAuthorization(headers.Authorization.ToString());
        if (presented is null)
        {
            return new TokenRefusal(StatusCodes.Status401Unauthorized,
                "this endpoint needs the admin token: Authorization: Bearer <token> (docs/security.md)", "Bearer");
        }

        return token.Matches(presented)
            ? null
            : new TokenRefusal(StatusCodes.Status401Unauthorized, "the admin token is wrong", "Bearer error=\"invalid_token\"");
    }

    /// <summary>Enforces <see cref="TokenRequirement"/> metadata; register before the endpoints run (after routing).</summary>
    public static void UseTokenAccess(this WebApplication app, AdminToken token, AdminAudit audit, bool requireForReads)
    {
        app.Use(async (http, next) =>
        {
            if (http.GetEndpoint()?.Metadata.GetMetadata<TokenRequirement>() is { } requirement
                && Check(requirement.Need, http.Request.Headers, token, requireForReads) is { } refusal)
            {
                audit.Refused(http, refusal);
                if (refusal.Challenge is { } challenge)
                {
                    http.Response.Headers.WWWAuthenticate = challenge;
                }

                await Results.Json(new ErrorResponse(refusal.Error), ClusterJson.Options, statusCode: refusal.Status).ExecuteAsync(http);
                return;
            }

            await next(http);
        });
    }
}
