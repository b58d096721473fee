using System.ComponentModel.DataAnnotations;

namespace FuncSync.Square;

/// <summary>The connected Square seller. Secrets come from configuration only and never appear in logs. The seller
/// connects either through OAuth (the application's id and secret, and the seller's consent: given once at
/// <c>/api/square/oauth/start</c>, or as <see cref="RefreshToken"/>) or with a personal access token
/// (<see cref="AccessToken"/>).</summary>
public sealed class SquareOptions : IValidatableObject
{
    public const string Section = "Square";

    /// <summary><c>https://connect.squareup.com/</c>, or a simulator. Its presence turns the channel on.</summary>
    [Required]
    public Uri? ApiBaseUrl { get; set; }

    /// <summary>Pinned API version, sent as <c>Square-Version</c> (the one Square's .NET SDK pins, mid 2026).</summary>
    [Required]
    public string ApiVersion { get; set; } = "2026-07-15";

    /// <summary>A personal access token (a seller connecting their own account). Not needed with OAuth.</summary>
    public string AccessToken { get; set; } = string.Empty;

    /// <summary>The refresh token of the seller's OAuth consent (Square's code flow: it does not expire). Set, FuncSync
    /// mints 30-day access tokens from it and keeps them, encrypted, in the shared token store.</summary>
    public string RefreshToken { get; set; } = string.Empty;

    /// <summary>FuncSync's application secret (the OAuth client secret), sent with every refresh.</summary>
    public string ApplicationSecret { get; set; } = string.Empty;

    /// <summary>Connected through OAuth rather than a personal access token: a refresh token is set, or the application's
    /// secret without a personal access token (the seller connects through the connect flow).</summary>
    public bool UsesOAuth => RefreshToken.Length > 0 || (AccessToken.Length == 0 && ApplicationSecret.Length > 0);

    /// <summary>The connect flow's redirect URL, exactly as registered on the application's OAuth page; null: this app's
    /// <c>/api/square/oauth/callback</c> on the host the flow was started from.</summary>
    public Uri? OAuthRedirectUri { get; set; }

    /// <summary>The locations whose counts make up what Square shows for a SKU, comma-separated (a shop and a market
    /// stall): their sum is what the channel sells from, and what FuncSync writes.</summary>
    [Required]
    public string LocationIds { get; set; } = string.Empty;

    /// <summary>Where a sale made elsewhere is taken from. Unset: the location with the most units.</summary>
    public string? SellFromLocationId { get; set; }

    /// <summary>The webhook subscription's signature key.</summary>
    [Required]
    public string WebhookSignatureKey { get; set; } = string.Empty;

    /// <summary>The notification URL exactly as registered with the subscription: Square signs it with the body, so it
    /// is taken from here, never rebuilt from the request (a proxy, a custom domain or the Functions route changes
    /// what the request says).</summary>
    [Required]
    public Uri? NotificationUrl { get; set; }

    /// <summary>FuncSync's Square application id (the OAuth client id, or the id of the application whose personal
    /// access token is used). Optional: Square's change log names it as the source of FuncSync's own writes, which are
    /// also recognised by their <c>reference_id</c>.</summary>
    public string? ApplicationId { get; set; }

    /// <summary>The seller's merchant id; when set, notifications for another merchant are refused.</summary>
    public string? MerchantId { get; set; }

    /// <summary>How long a count change the change log does not explain (a count at the register, a correction, an order
    /// not readable yet) settles before the level check compares it with what FuncSync last saw: long enough for an
    /// online order behind it to reach the ledger first (Square delivers most notifications within 60 seconds). Sales,
    /// at the register or online, and FuncSync's own writes do not wait for it.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan LevelCheckDelay { get; set; } = TimeSpan.FromSeconds(20);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (UsesOAuth && (string.IsNullOrEmpty(ApplicationId) || ApplicationSecret.Length == 0))
        {
            yield return new ValidationResult("Square OAuth needs Square:ApplicationId and Square:ApplicationSecret (with Square:RefreshToken, or a connection made at /api/square/oauth/start).", [nameof(ApplicationId), nameof(ApplicationSecret)]);
        }
        else if (!UsesOAuth && AccessToken.Length == 0)
        {
            yield return new ValidationResult("Square needs Square:AccessToken (a personal access token) or OAuth (Square:ApplicationId and Square:ApplicationSecret).", [nameof(AccessToken), nameof(RefreshToken)]);
        }
    }

    public IReadOnlyList<string> Locations =>
        [.. LocationIds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
