global using OrleansUploads.Testing;
global using Xunit;
