from notoneless.cli import main

main()
