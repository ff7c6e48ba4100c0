from filmmaker.cli import main

main()
