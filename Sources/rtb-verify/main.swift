import RTBVerifyCommands

RTBVerifyTool.main()
