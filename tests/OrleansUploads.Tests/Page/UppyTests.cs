using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Page;

/// <summary>Uppy with its tus plugin, a client nobody here wrote, in Chromium against the service.</summary>
[Collection(BrowserCollection.Name)]
public sealed class UppyTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Uppys_tus_plugin_with_four_parallel_uploads_sends_a_file_that_arrives_byte_identical()
    {
        var data = RandomBytes(2 << 20);
        var page = await fixture.OpenAsync();
        await page.AddScriptTagAsync(new() { Content = await BundleAsync() });

        var url = await page.EvaluateAsync<string>("([name, base64, parallel]) => window.uppyUpload(name, base64, parallel)",
            new object[] { "uppy-parallel.bin", Convert.ToBase64String(data), 4 });

        using var client = fixture.Service.CreateClient();
        var final = new Uri(url).AbsolutePath;
        var status = await client.StatusAsync(final);
        Assert.Equal(("completed", "final", 4, Sha256(data)), (status.State, status.Concat, status.Parts!.Length, status.Sha256));
        Assert.Equal(data, await client.GetByteArrayAsync(final + "/content"));
    }

    /// <summary>Uppy and its tus plugin from npm, bundled for the browser with esbuild, as a web app would ship them.</summary>
    private static async Task<string> BundleAsync()
    {
        var bundle = Path.Combine(Path.GetTempPath(), $"uppy-{Guid.NewGuid():N}.js");
        var output = new List<string>();
        await using (var esbuild = ChildProcess.Start(Path.Combine(RepositoryPaths.Interop, "node_modules", ".bin", "esbuild"),
            ["uppy-entry.mjs", "--bundle", "--format=iife", $"--outfile={bundle}"], RepositoryPaths.Interop, output.Add))
        {
            await esbuild.Exited.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(esbuild.ExitCode == 0, string.Join('\n', output));
        }

        try
        {
            return await File.ReadAllTextAsync(bundle);
        }
        finally
        {
            File.Delete(bundle);
        }
    }
}
