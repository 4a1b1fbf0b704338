using System.Net;
using System.Net.Http.Headers;
using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.Hardening;

/// <summary>
/// One user negotiating over and over (each negotiation makes a connection token the server holds): refused with 429
/// <c>rate_limited</c> and <c>Retry-After</c> past the user's burst, while another user still negotiates and connects.
/// </summary>
public sealed class NegotiateFloodTests
{
    [Fact]
    public async Task ABurstOfNegotiationsFromOneUserIsRefusedPastTheLimitWhileAnotherUserStillNegotiates()
    {
        const int burst = 5, attempts = 30;
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?>
        {
            ["Limits:NegotiationsPerSecond"] = "1",
            ["Limits:NegotiationBurst"] = burst.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        using var http = host.CreateHttpClient();

        var answers = new List<HttpResponseMessage>();
        try
        {
            for (var i = 0; i < attempts; i++)
            {
                answers.Add(await NegotiateAsync(http, "mallory"));
            }

            var accepted = answers.Count(a => a.StatusCode == HttpStatusCode.OK);
            var refused = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToArray();
            Assert.Equal(attempts, accepted + refused.Length);
            Assert.True(accepted >= burst, $"only {accepted} accepted");
            // The bucket refills at one a second: the attempts take far less than the 25 s it would need to take them all.
            Assert.True(refused.Length > 0, "no negotiation was refused");
            foreach (var refusal in refused)
            {
                Assert.True(refusal.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "no Retry-After");
                Assert.StartsWith(ErrorCodes.RateLimited + ":", await refusal.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            using var bob = await NegotiateAsync(http, "bob");
            Assert.Equal(HttpStatusCode.OK, bob.StatusCode);
            await using var bobConnected = await host.ConnectAsync("bob");
            Assert.Equal("pong", await bobConnected.PingAsync().DefaultTimeout());
        }
        finally
        {
            answers.ForEach(a => a.Dispose());
        }
    }

    private static async Task<HttpResponseMessage> NegotiateAsync(HttpClient http, string userId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{HubMethods.Path}/negotiate?negotiateVersion=1");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Create(userId));
        return await http.SendAsync(request);
    }
}
