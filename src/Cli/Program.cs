using OrleansUploads.Terminal;

return await UploadsCommandLine.RunAsync(args);
