using System.Text;
using FuncSync.Etsy;
using FuncSync.Simulators.Etsy;

namespace FuncSync.App.Tests.Etsy;

public sealed class EtsyWebhookSignatureTests
{
    // The Standard Webhooks libraries' published example.
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string Id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const string Timestamp = "1614265330";
    private const string Signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"test": 2432232314}""");
    private static readonly DateTimeOffset SentAt = DateTimeOffset.FromUnixTimeSeconds(1614265330);
    private static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    [Fact]
    public void Verify_PublishedExample_IsValid() =>
        Assert.Equal(EtsyWebhookVerdict.Valid, EtsyWebhookSignature.Verify(Secret, Id, Timestamp, Signature, Body, SentAt.AddSeconds(30), Tolerance));

    [Fact]
    public void Verify_SeveralSignaturesOneMatching_IsValid() =>
        Assert.Equal(EtsyWebhookVerdict.Valid, EtsyWebhookSignature.Verify(Secret, Id, Timestamp, "v1,bm90IGl0 " + Signature, Body, SentAt, Tolerance));

    [Fact]
    public void Verify_BodyChanged_IsBadSignature() =>
        Assert.Equal(EtsyWebhookVerdict.BadSignature, EtsyWebhookSignature.Verify(Secret, Id, Timestamp, Signature, Encoding.UTF8.GetBytes("""{"test": 2432232315}"""), SentAt, Tolerance));

    [Fact]
    public void Verify_IdChanged_IsBadSignature() =>
        Assert.Equal(EtsyWebhookVerdict.BadSignature, EtsyWebhookSignature.Verify(Secret, "msg_other", Timestamp, Signature, Body, SentAt, Tolerance));

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    public void Verify_TimestampOutsideTolerance_IsStale(int offsetSeconds) =>
        Assert.Equal(EtsyWebhookVerdict.StaleTimestamp, EtsyWebhookSignature.Verify(Secret, Id, Timestamp, Signature, Body, SentAt.AddSeconds(offsetSeconds), Tolerance));

    [Fact]
    public void Verify_MissingSignatureHeader_IsMissingHeaders() =>
        Assert.Equal(EtsyWebhookVerdict.MissingHeaders, EtsyWebhookSignature.Verify(Secret, Id, Timestamp, null, Body, SentAt, Tolerance));

    [Fact]
    public void Verify_SimulatorSignature_IsValid()
    {
        var secret = new EtsySimulatorOptions().WebhookSecret;
        var signature = EtsyWebhookSigner.Sign(secret, "msg_1", 1_800_000_000, Body);

        Assert.Equal(EtsyWebhookVerdict.Valid, EtsyWebhookSignature.Verify(secret, "msg_1", "1800000000", signature, Body, DateTimeOffset.FromUnixTimeSeconds(1_800_000_000), Tolerance));
    }
}
